// The check-in page's own behaviour: connect to this very host, start again by itself when a
// session ends (a patient finished, or the kiosk restarted), so the tablet never shows a dead
// page, scroll a long step when a finger swipes it, and hear the kiosk's messages to the page.
"use strict";

const RESTART_DELAY_MS = 2000;
const SWIPE_START_PX = 10; // a finger that moved less than this tapped; more, it swipes
const ROW_HEIGHT_PER_FONT_PX = 1.2; // the terminal's row height, in font sizes
const LARGER_TEXT_SCALE = 1.4; // "Larger text": the terminal's font, this many times larger

function sessionWebsocketUrl() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/ws`;
}

// What the page does with each kind of the kiosk's messages (kiosk/page_channel.py).
const pageMessageHandlers = new Map();

// The page's own interface: `kioskPage.onMessage(kind, handler)` calls `handler(body)` for every
// message of that kind the kiosk sends this page.
window.kioskPage = Object.freeze({
  onMessage(kind, handler) {
    const handlers = pageMessageHandlers.get(kind) || [];
    handlers.push(handler);
    pageMessageHandlers.set(kind, handlers);
  },
});

// One message as the terminal handed it over: a JSON object {"kind": ..., "body": {...}}.
// Anything else (too long, not JSON, another shape, a kind nobody handles) is dropped.
function receivePageMessage(data, maxLength) {
  if (data.length > maxLength) {
    return;
  }
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    return;
  }
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  if (!isObject(message) || typeof message.kind !== "string" || !isObject(message.body)) {
    return;
  }
  for (const handler of pageMessageHandlers.get(message.kind) || []) {
    try {
      handler(message.body);
    } catch {
      console.error(`kiosk page: the ${message.kind} handler failed`); // no body: it may hold answers
    }
  }
}

// Why: textual-serve's bundle (textual.js) makes the page's xterm.js terminal inside its own
// closure and hands it to nobody, and the page needs it to hear the kiosk's messages. The
// bundle keeps it as `this.terminal` of its one session object, just after setting that
// object's `element` to the #terminal div: a setter on Object.prototype catches that one
// assignment (every other `.terminal =` becomes the plain property it would have been) and
// then removes itself. Called before the bundle's window.onload makes the terminal;
// `ready(terminal, session)` runs once the terminal is open and before any output arrives.
function whenTerminalIsMade(element, ready) {
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal", {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      if (this.element === element) {
        delete Object.prototype.terminal;
        const session = this;
        queueMicrotask(() => ready(value, session)); // after the bundle's open() and connect()
      }
    },
  });
}

function hearPageMessages(terminal, element) {
  const channel = Number(element.dataset.pageChannel);
  const maxLength = Number(element.dataset.pageMessageMax);
  terminal.parser.registerOscHandler(channel, (data) => {
    receivePageMessage(data, maxLength);
    return true; // handled: the terminal draws nothing of it
  });
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
  let rowHeight = 0;
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
      rowHeight = Number(terminal.dataset.fontSize) * ROW_HEIGHT_PER_FONT_PX; // larger text: taller
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

// "Larger text" on the welcome screen: the kiosk says so (kiosk/app.py) and the page scales
// the terminal's font; fitting the terminal to the page again gives it fewer columns and rows,
// which the page sends the kiosk as a resize, so every screen reflows to the larger cells.
function followTextSize(xterm, session, element) {
  const normalSize = Number(element.dataset.fontSize);
  kioskPage.onMessage("text_size", (body) => {
    const size = body.larger === true ? Math.round(normalSize * LARGER_TEXT_SCALE) : normalSize;
    if (xterm.options.fontSize !== size) {
      xterm.options.fontSize = size;
      element.dataset.fontSize = String(size); // the swipe's row height follows
      session.fit();
    }
  });
}

// The screen reader's view of the kiosk (kiosk/page_mirror.py): the words of the question the
// patient is on, as headings, paragraphs, radio buttons, tick boxes, boxes and buttons in a
// polite live region, so a screen reader announces each step and question as the patient
// moves, in the patient's language. The terminal's own rows stay readable too (xterm.js's
// screen-reader mode); its live region, which would read out every redraw of the grid over
// the mirror, is silenced.
function mirrorTheStep(xterm, region) {
  xterm.options.screenReaderMode = true;
  const terminalLiveRegion = xterm.element.querySelector(".live-region");
  if (terminalLiveRegion) {
    terminalLiveRegion.setAttribute("aria-live", "off");
  }
  // Why: in screen-reader mode xterm.js sends a key to the kiosk but leaves the key's event
  // to the browser too, and the browser's Shift+Tab then moves the page's focus out of the
  // terminal: the kiosk saw the focus go and let go of the box, and nothing the patient typed
  // reached it. Tab and Shift+Tab move between the kiosk's questions only.
  xterm.attachCustomKeyEventHandler((event) => {
    if (event.key === "Tab") {
      event.preventDefault();
    }
    return true; // xterm.js still sends the key to the kiosk
  });
  sendTextInsertedWithoutAKey(xterm);
  kioskPage.onMessage("step_words", (body) => {
    if (!Array.isArray(body.parts)) {
      return;
    }
    region.lang = typeof body.language === "string" ? body.language : "";
    region.replaceChildren(...mirroredParts(body.parts));
  });
}

// Why: in screen-reader mode xterm.js leaves text that reaches its input box without a key
// press of its own to the browser (so a screen reader can read it out), and sends it nowhere:
// a word or syllable a tablet's keyboard inserts whole (Korean, Chinese, an emoji, dictation)
// never reached the kiosk. The page sends it. xterm.js still sends what it takes itself: a
// character after its key press, and what a keyboard hands over through the box (key code
// 229, read from the box by xterm.js), and a word composed with an input method.
function sendTextInsertedWithoutAKey(xterm) {
  const box = xterm.textarea;
  let sentByTerminal = false;
  box.addEventListener("keydown", (event) => {
    sentByTerminal = event.keyCode === 229;
  });
  box.addEventListener("keypress", () => {
    sentByTerminal = true;
  });
  box.addEventListener("input", (event) => {
    if (event.inputType === "insertText" && event.data && !event.isComposing && !sentByTerminal) {
      xterm.input(event.data, true);
    }
    sentByTerminal = false;
  });
}

function mirroredParts(parts) {
  const elements = [];
  let question = "";
  let choices = null; // the radio group of the question just read
  for (const part of parts) {
    if (part === null || typeof part !== "object") {
      continue;
    }
    const element = mirroredPart(part);
    if (part.kind === "option") {
      if (choices === null) {
        choices = document.createElement("div");
        choices.setAttribute("role", "radiogroup");
        choices.setAttribute("aria-label", question);
        elements.push(choices);
      }
      choices.append(element);
      continue;
    }
    choices = null;
    question = part.kind === "question" ? element.textContent : "";
    elements.push(element);
  }
  return elements;
}

function mirroredPart(part) {
  const text = (value) => (typeof value === "string" ? value : "");
  const tags = { title: "h1", question: "p", text: "p", message: "p" };
  const roles = { option: "radio", tick_box: "checkbox", field: "textbox", button: "button" };
  const element = document.createElement(tags[part.kind] || "div");
  const role = roles[part.kind];
  if (role) {
    element.setAttribute("role", role);
  }
  if (part.kind === "field") {
    element.setAttribute("aria-label", text(part.words));
    element.setAttribute("aria-readonly", "true");
    if (text(part.hint)) {
      element.setAttribute("aria-placeholder", text(part.hint));
    }
    const value = document.createElement("span");
    value.setAttribute("aria-live", "off"); // each key typed is not announced again
    value.textContent = text(part.value);
    element.append(value);
  } else {
    element.textContent = text(part.words);
  }
  if (part.kind === "option" || part.kind === "tick_box") {
    element.setAttribute("aria-checked", String(part.chosen === true));
  }
  if (part.focused === true) {
    element.setAttribute("aria-current", "true");
  }
  return element;
}

document.addEventListener("DOMContentLoaded", () => {
  const terminal = document.getElementById("terminal");
  terminal.dataset.sessionWebsocketUrl = sessionWebsocketUrl();
  restartWhenSessionEnds();
  scrollBySwiping(terminal);
  whenTerminalIsMade(terminal, (xterm, session) => {
    hearPageMessages(xterm, terminal);
    followTextSize(xterm, session, terminal);
    mirrorTheStep(xterm, document.getElementById("step-mirror"));
  });
});
