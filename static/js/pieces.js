/* Say before the upload that a file is too big: nothing is sent, the rest of the form is kept.
   The limit and the French sentence come from the form's data attributes. */
document.querySelectorAll('form[data-upload-limit]').forEach(function (form) {
  var limit = parseInt(form.dataset.uploadLimit, 10);
  var sentence = form.dataset.uploadTooBig;
  form.querySelectorAll('input[type=file]').forEach(function (input) {
    input.addEventListener('change', function () {
      var file = input.files[0];
      var message = input.parentElement.querySelector('.msu-size-error');
      if (!message) {
        message = document.createElement('p');
        message.className = 'fr-error-text msu-size-error';
        message.hidden = true;
        input.parentElement.appendChild(message);
      }
      if (file && file.size > limit) {
        message.textContent = sentence
          .replace('{size}', (file.size / 1048576).toFixed(1).replace('.', ','))
          .replace('{limit}', Math.round(limit / 1048576));
        message.hidden = false;
        input.value = '';
      } else {
        message.hidden = true;
      }
    });
  });
});
