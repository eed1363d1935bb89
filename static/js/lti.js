// LTI pages: send the deep-linking answer back, close the registration window, and keep
// the launch's state in the LMS's own storage where third-party cookies are blocked
// (1EdTech LTI Client Side postMessages: lti.put_data / lti.get_data).
(function () {
  "use strict";
  var back = document.querySelector("form[data-autosubmit]");
  if (back) { back.submit(); }

  if (document.querySelector("[data-close]")) {
    (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
  }

  var box = document.getElementById("lti-storage");
  if (!box) { return; }
  var platform = box.dataset.platform;
  var frame = window.parent.frames[box.dataset.target] || window.parent;
  var id = "m" + Math.random().toString(36).slice(2);
  var subject = box.dataset.mode === "put" ? "lti.put_data" : "lti.get_data";
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (event.origin !== platform || data.message_id !== id) { return; }
    if (data.subject !== subject + ".response" || data.error) { return; }
    if (box.dataset.mode === "put") {
      window.location.href = box.dataset.next;
    } else if (data.value) {
      box.elements.lti_storage_state.value = data.value;
      box.submit();
    }
  });
  var message = { subject: subject, message_id: id, key: box.dataset.key };
  if (box.dataset.mode === "put") { message.value = box.dataset.value; }
  frame.postMessage(message, platform);
}());
