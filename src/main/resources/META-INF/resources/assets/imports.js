// Imports: a file dropped on the drop zone becomes the file input's choice, and a file over the upload limit is
// refused here, next to the input, before it is sent (the service refuses it too, with the same limit).
(function () {
  "use strict";

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function showError(form, message) {
    var input = form.querySelector("#file");
    var error = form.querySelector("#file-error");
    error.textContent = message;
    error.hidden = !message;
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  /** The chosen file's problem, or "". */
  function check(form) {
    var input = form.querySelector("#file");
    var limit = Number(form.getAttribute("data-max-size"));
    var file = input.files && input.files[0];
    if (!file) { return "is required: choose or drop a CSV file"; }
    if (limit && file.size > limit) {
      return "the file is " + megabytes(file.size) + ", larger than the limit of " + megabytes(limit)
        + " (catalog.imports.max-upload-size)";
    }
    return "";
  }

  function chosen(form) {
    var input = form.querySelector("#file");
    var file = input.files && input.files[0];
    var note = form.querySelector("#file-chosen");
    note.textContent = file ? "Chosen: " + file.name + " (" + megabytes(file.size) + ")" : "";
    showError(form, file ? check(form) : "");
  }

  document.addEventListener("change", function (event) {
    if (event.target.id === "file" && event.target.form && event.target.form.id === "upload-form") {
      chosen(event.target.form);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.id === "upload-form") {
      var problem = check(form);
      if (problem) {
        event.preventDefault();
        showError(form, problem);
        form.querySelector("#file").focus();
      }
    }
  });

  function zoneOf(event) {
    return event.target.closest ? event.target.closest("#drop-zone") : null;
  }

  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = zoneOf(event);
      if (zone) {
        event.preventDefault();
        zone.classList.add("dragging");
      }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) { zone.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("dragging");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || files.length === 0) { return; }
    var input = zone.querySelector("#file");
    var transfer = new DataTransfer();
    transfer.items.add(files[0]);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
