// Nyttig — upload with a progress bar. Without this script the upload form
// posts as any form does. With it, the file is sent with XMLHttpRequest to
// the same address, asking for JSON, so that a <progress> element and a
// status line can follow it; the list of files is then fetched again. The
// texts come from the form's data- attributes, in the page's language.
(function () {
  'use strict';

  var form = document.querySelector('form[data-upload]');
  if (!form || !window.FormData || !window.DOMParser || !window.fetch) {
    return;
  }
  var input = form.querySelector('input[type="file"]');
  var button = form.querySelector('button[type="submit"]');
  var box = document.getElementById('upload-progress-box');
  var bar = document.getElementById('upload-progress');
  var status = document.getElementById('upload-status');
  var texts = form.dataset;
  var maxBytes = Number(texts.maxBytes);
  var lastSaid = -1;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle('field-error', Boolean(failed));
    if (failed) {
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
  }

  function fail(text) {
    bar.value = 0;
    button.disabled = false;
    say(text || texts.failed, true);
  }

  // progress moves the bar; the status line, which a screen reader reads
  // out, changes only every tenth so as not to drown the listener.
  function progress(loaded, total) {
    var percent = Math.floor((loaded / total) * 100);
    bar.value = percent;
    if (percent === 100 || Math.floor(percent / 10) !== Math.floor(lastSaid / 10)) {
      lastSaid = percent;
      say(texts.uploading.replace('{n}', String(percent)), false);
    }
  }

  // refreshList replaces the list of files with the one on the page now.
  function refreshList(location) {
    return fetch(location, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) {
          throw new Error('HTTP ' + res.status);
        }
        return res.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('attachment-list');
        var current = document.getElementById('attachment-list');
        if (!fresh || !current) {
          throw new Error('no list of files');
        }
        current.replaceWith(document.importNode(fresh, true));
      });
  }

  form.addEventListener('submit', function (event) {
    var file = input.files && input.files[0];
    if (!file) {
      return; // the browser's own check of the required field speaks
    }
    event.preventDefault();
    box.hidden = false;
    lastSaid = -1;
    if (maxBytes > 0 && file.size > maxBytes) {
      fail(texts.tooLarge);
      return;
    }
    button.disabled = true;
    progress(0, 1);

    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable && e.total > 0) {
        progress(e.loaded, e.total);
      }
    });
    xhr.addEventListener('load', function () {
      var answer = xhr.response;
      if (xhr.status < 200 || xhr.status >= 300 || !answer || !answer.ok) {
        fail(answer && answer.error);
        return;
      }
      bar.value = bar.max;
      form.reset();
      button.disabled = false;
      say(texts.done.replace('{name}', answer.name), false);
      refreshList(answer.location).catch(function () {
        window.location.assign(answer.location);
      });
    });
    xhr.addEventListener('error', function () {
      fail(texts.failed);
    });
    xhr.send(new FormData(form));
  });
})();
