// Read aloud in the tablet's page: the kiosk says what to speak over the page channel
// ("speak": {"utterances": [{"language", "text", "patient_words"}, ...]}, "speak_stop"), and the
// page asks this very host for each utterance's audio (POST /read-aloud, kiosk/browser/
// read_aloud_route.py) and plays them in order with the Web Audio API. A new "speak" or a
// "speak_stop" silences what is playing and drops what was waiting. No request leaves this host.
"use strict";

(() => {
  let audio = null; // one AudioContext, made at the first utterance (after the patient's tap)
  let playing = null; // the AudioBufferSourceNode now sounding
  let generation = 0; // bumped by every new list and every stop: older fetches are dropped

  function silence() {
    generation += 1;
    if (playing !== null) {
      try {
        playing.stop();
      } catch {
        // already ended
      }
      playing = null;
    }
  }

  async function fetchAudio(utterance) {
    const response = await fetch("/read-aloud", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        language: String(utterance.language),
        text: String(utterance.text),
        patient_words: utterance.patient_words !== false,
      }),
      cache: "no-store",
    });
    if (!response.ok) {
      throw new Error(`read aloud: ${response.status}`); // never the text: it may be an answer
    }
    return response.arrayBuffer();
  }

  function play(buffer, mine) {
    return new Promise((done) => {
      if (mine !== generation) {
        done();
        return;
      }
      const source = audio.createBufferSource();
      source.buffer = buffer;
      source.connect(audio.destination);
      source.onended = () => done();
      playing = source;
      source.start();
    });
  }

  async function say(utterances) {
    silence();
    const mine = generation;
    if (!Array.isArray(utterances) || utterances.length === 0) {
      return;
    }
    audio = audio || new AudioContext();
    if (audio.state === "suspended") {
      await audio.resume();
    }
    // Fetch the next while this one plays: the first sentence is heard while the rest renders.
    let next = fetchAudio(utterances[0]);
    for (let index = 0; index < utterances.length && mine === generation; index += 1) {
      const wav = await next;
      next = index + 1 < utterances.length ? fetchAudio(utterances[index + 1]) : null;
      if (mine !== generation) {
        return;
      }
      const buffer = await audio.decodeAudioData(wav);
      await play(buffer, mine);
      document.body.dataset.readAloudPlayed = String(Number(document.body.dataset.readAloudPlayed || 0) + 1);
    }
  }

  kioskPage.onMessage("speak", (body) => {
    say(body.utterances).catch(() => console.error("kiosk page: read aloud failed"));
  });
  kioskPage.onMessage("speak_stop", () => silence());
})();
