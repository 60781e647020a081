// The check-in page's own behaviour: connect to this very host, and start again by itself
// when a session ends (a patient finished, or the kiosk restarted), so the tablet never
// shows a dead page.
"use strict";

const RESTART_DELAY_MS = 2000;

function sessionWebsocketUrl() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/ws`;
}

function restartWhenSessionEnds() {
  const observer = new MutationObserver(() => {
    if (document.body.classList.contains("-closed")) {
      observer.disconnect();
      window.setTimeout(() => window.location.replace("/"), RESTART_DELAY_MS);
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ["class"] });
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("terminal").dataset.sessionWebsocketUrl = sessionWebsocketUrl();
  restartWhenSessionEnds();
});
