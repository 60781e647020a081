// The check-in page's own behaviour: connect to this very host, start again by itself when a
// session ends (a patient finished, or the kiosk restarted), so the tablet never shows a dead
// page, and scroll a long step when a finger swipes it.
"use strict";

const RESTART_DELAY_MS = 2000;
const SWIPE_START_PX = 10; // a finger that moved less than this tapped; more, it swipes
const ROW_HEIGHT_PER_FONT_PX = 1.2; // the terminal's row height, in font sizes

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

// Why: the terminal (xterm.js) ignores touch moves while the app reports the mouse, which
// the kiosk always does, so without this a tablet could scroll only by tapping the narrow
// scrollbar. Each row the finger moves becomes one mouse-wheel step under the finger, the way
// a mouse wheel reaches the kiosk; a swipe then ends without a tap where it stopped.
function scrollBySwiping(terminal) {
  const rowHeight = Number(terminal.dataset.fontSize) * ROW_HEIGHT_PER_FONT_PX;
  let startY = null;
  let wheeledY = null;
  let swiping = false;
  const options = { capture: true, passive: false };
  terminal.addEventListener(
    "touchstart",
    (event) => {
      const single = event.touches.length === 1;
      startY = wheeledY = single ? event.touches[0].clientY : null;
      swiping = false;
    },
    options,
  );
  terminal.addEventListener(
    "touchmove",
    (event) => {
      if (startY === null || event.touches.length !== 1) {
        return;
      }
      const finger = event.touches[0];
      if (!swiping && Math.abs(finger.clientY - startY) < SWIPE_START_PX) {
        return;
      }
      swiping = true;
      event.preventDefault();
      event.stopPropagation();
      const under = document.elementFromPoint(finger.clientX, finger.clientY) || terminal;
      while (Math.abs(finger.clientY - wheeledY) >= rowHeight) {
        const fingerDown = finger.clientY > wheeledY; // pulls the form down: shows what is above
        under.dispatchEvent(
          new WheelEvent("wheel", {
            deltaY: fingerDown ? -1 : 1,
            deltaMode: WheelEvent.DOM_DELTA_LINE,
            clientX: finger.clientX,
            clientY: finger.clientY,
            bubbles: true,
            cancelable: true,
          }),
        );
        wheeledY += fingerDown ? rowHeight : -rowHeight;
      }
    },
    options,
  );
  terminal.addEventListener(
    "touchend",
    (event) => {
      if (swiping) {
        event.preventDefault(); // no mouse click where the swipe stopped
      }
      startY = wheeledY = null;
    },
    options,
  );
}

document.addEventListener("DOMContentLoaded", () => {
  const terminal = document.getElementById("terminal");
  terminal.dataset.sessionWebsocketUrl = sessionWebsocketUrl();
  restartWhenSessionEnds();
  scrollBySwiping(terminal);
});
