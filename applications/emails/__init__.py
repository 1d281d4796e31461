"""The dossier's e-mails, all sent through the outbox of `notifications.services`:
`notices` (one function per event of the path: receipt, complement request, message, visit,
convocation, decision) and `reminders` (the daily job that derives every reminder due from
the database). Celery runs both through `applications.tasks`; templates in templates/emails/."""
