/* Say before the upload that a file is too big: nothing is sent, the rest of the form is kept.
   The limit and the French sentence come from the form's data attributes. On sending, each file
   kept back is named in a hidden field, so the page that comes back says it again (the banner
   « les autres fichiers ont été refusés » had nothing beside it). */
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
        var size = (file.size / 1048576).toFixed(1).replace('.', ',');
        message.textContent = sentence.replace('{size}', size)
          .replace('{limit}', Math.round(limit / 1048576));
        message.hidden = false;
        input.dataset.leftBehind = size;
        input.value = '';
      } else {
        message.hidden = true;
        delete input.dataset.leftBehind;
      }
    });
  });
  form.addEventListener('submit', function () {
    form.querySelectorAll('input.msu-left-behind').forEach(function (old) { old.remove(); });
    form.querySelectorAll('input[type=file][data-left-behind]').forEach(function (input) {
      var named = document.createElement('input');
      named.type = 'hidden';
      named.className = 'msu-left-behind';
      named.name = input.name + '__trop_lourd';
      named.value = input.dataset.leftBehind;
      form.appendChild(named);
    });
  });
});
