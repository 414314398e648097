/* Files that take a while to make (PDFs of many cards, the logs): a link or a GET form marked
   data-busy="正在生成…" fetches the file itself, so that its button can say it is working
   (the text, aria-busy, disabled) until the file has arrived and is handed to the browser as a
   download. Anything but a file (a redirect with a message, a page saying what is wrong, a
   network failure) falls back to the ordinary navigation, which shows the server's own page. */
(function () {
  "use strict";

  function filename(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=utf-8''([^;]+)/i.exec(header);
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : "";
  }

  function start(control, label) {
    control.dataset.idleText = control.textContent;
    control.textContent = label;
    control.setAttribute("aria-busy", "true");
    control.setAttribute("aria-disabled", "true");
    if (control.tagName === "BUTTON") control.disabled = true;
  }

  function stop(control) {
    if (control.dataset.idleText === undefined) return;
    control.textContent = control.dataset.idleText;
    delete control.dataset.idleText;
    control.removeAttribute("aria-busy");
    control.removeAttribute("aria-disabled");
    if (control.tagName === "BUTTON") control.disabled = false;
  }

  function isFile(response) {
    var type = response.headers.get("Content-Type") || "";
    return response.ok && type.indexOf("text/html") !== 0 && type.indexOf("application/json") !== 0;
  }

  function fetchFile(url, control, label) {
    if (control.getAttribute("aria-busy") === "true") return;
    start(control, label);
    fetch(url, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (!isFile(response)) throw new Error("not a file");
        var name = filename(response);
        return response.blob().then(function (blob) {
          var href = URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = href;
          a.download = name;
          a.hidden = true;
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(href); }, 60000);
          stop(control);
        });
      })
      .catch(function () {
        stop(control);
        window.location.assign(url);
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-busy]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    fetchFile(link.href, link, link.dataset.busy);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-busy]");
    if (!form || event.defaultPrevented || (form.method || "get").toLowerCase() !== "get") return;
    event.preventDefault();
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var url = new URL(form.action, window.location.href);
    url.search = new URLSearchParams(data).toString();
    fetchFile(url.toString(), button || form, form.dataset.busy);
  });

  // Back to a page kept in the browser's memory: no button stays busy.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[aria-busy=true][data-idle-text]").forEach(stop);
  });
})();
