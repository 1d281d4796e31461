"""Forms, one module per audience: `doctor` (the steps), `staff` (instruction), `commission`,
`settings`; `common` holds what several share. Import the module you need."""
