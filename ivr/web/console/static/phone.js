// The console's phone: places a call on the simulator and answers it with the keypad.
// Stateless replay: every key sends all the inputs so far to the server, which runs the call
// again from its start and pauses at the next question; new events are appended.
(function () {
  "use strict";

  const root = document.getElementById("phone");
  if (!root) { return; }
  const endpoint = root.dataset.endpoint;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const form = $("call-form"), events = $("events"), statusLine = $("status");
  const typed = $("typed"), endLine = $("end"), language = $("language"), node = $("node");
  const keys = Array.from(document.querySelectorAll(".key"));
  const KEYS = "0123456789*#";

  let call = null;      // {at, from, to, dial, inputs}
  let waiting = null;   // what the call waits for, from the server
  let buffer = "";      // keys typed for the current question
  let shown = 0;        // events already in the transcript
  let chain = Promise.resolve();

  function setStatus(text) { statusLine.textContent = text; }

  function enable() {
    const live = call !== null && waiting !== null;
    keys.forEach((key) => { key.disabled = !live; });
    $("silence").disabled = !live;
    $("silence").textContent = buffer ? "Send the keys typed" : "Stay silent";
    $("record").disabled = !(live && waiting.for === "recording");
    const listens = live && waiting.for === "keys" && waiting.speech;
    $("speech").disabled = !listens;
    $("say").disabled = !listens;
    $("hangup").disabled = call === null;
    typed.textContent = buffer || "—";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function eventItem(event) {
    const item = element("li", "event " + event.type + (event.verb ? " verb-" + event.verb : ""));
    item.append(element("span", "time", event.time));
    if (event.leg && event.leg !== "caller") { item.append(element("span", "leg", event.leg)); }
    const body = element("div", "body");
    if (event.type === "step" && event.verb === "Say") {
      const said = element("p", "said", event.text);
      said.lang = event.lang;
      said.dir = "auto";
      body.append(said, element("span", "meta", event.language + " · " + event.voice));
    } else if (event.type === "step" && event.verb === "Play") {
      body.append(element("span", "verb", "Play"));
      if (event.audio) {
        const audio = element("audio");
        audio.controls = true;
        audio.preload = "none";
        audio.src = event.audio;
        audio.setAttribute("aria-label", "Recording " + event.audio.split("/").slice(-2).join("/"));
        body.append(audio);
      }
      if (event.words) {
        const words = element("p", "said", event.words);
        if (event.lang) { words.lang = event.lang; }
        body.append(words);
      } else { body.append(element("span", "meta", event.text)); }
    } else if (event.type === "step") {
      body.append(element("span", "verb", event.verb), element("span", "what", event.text));
    } else if (event.type === "request") {
      body.append(element("span", "what", event.method + " " + event.url + " → " +
                          (event.status === null ? "no answer" : event.status)));
    } else if (event.type === "warning") {
      body.append(element("span", "verb", "Warning"),
                  element("span", "what", (event.code ? event.code + " " : "") + event.text));
    } else {
      body.append(element("span", "what", "… " + event.text));
    }
    item.append(body);
    return item;
  }

  function describeWaiting(w) {
    if (w.for === "recording") { return "Waiting for a message after the beep."; }
    let rule = w.num_digits ? w.num_digits + " key" + (w.num_digits > 1 ? "s" : "") : "keys";
    if (w.finish_on_key && w.num_digits !== 1) { rule += ", then " + w.finish_on_key; }
    return "Waiting for " + rule + " (or silence: the menu times out after " + w.timeout + " s).";
  }

  function render(data) {
    const list = data.events;
    if (list.length < shown) { events.textContent = ""; shown = 0; }
    list.slice(shown).forEach((event) => { events.append(eventItem(event)); });
    shown = list.length;
    events.scrollTop = events.scrollHeight;
    waiting = data.state === "waiting" ? data.waiting : null;
    node.textContent = data.node || "—";
    const lang = data.language;
    language.textContent = "Language: ";
    const name = element("span", "", lang ? lang.name : "none chosen yet");
    if (lang) {
      name.lang = lang.lang;
      language.append(name, " (" + lang.english_name + ", " + lang.code + ")");
    } else { language.append(name); }
    if (data.state === "ended") {
      const end = data.call.end;
      endLine.hidden = false;
      endLine.textContent = "Call ended: " + end.reason +
        (end.error_code ? " (error " + end.error_code + ")" : "");
      setStatus("Call ended (" + end.reason + "). Press Call to call again.");
      call = null;
    } else {
      endLine.hidden = true;
      setStatus(describeWaiting(waiting));
    }
    enable();
  }

  async function run(inputs) {
    setStatus("Calling…");
    let response, data;
    try {
      response = await fetch(endpoint, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRF-Token": csrf},
        body: JSON.stringify(Object.assign({}, call, {inputs: inputs}))});
    } catch (error) {
      setStatus("The console could not be reached: " + error.message);
      return;
    }
    try {
      data = await response.json();
    } catch (error) {
      data = {error: "The console answered " + response.status + " without a call."};
    }
    if (!response.ok) {
      setStatus(data.error || "The call failed.");
      if (response.status === 401) { window.location.reload(); }
      return;
    }
    call.inputs = inputs.slice(0, data.inputs_used);
    render(data);
  }

  function queue(task) { chain = chain.then(task).catch((error) => setStatus(String(error))); }

  function answer(value) {
    buffer = "";
    const inputs = call.inputs.concat([value]);
    queue(() => run(inputs));
  }

  function isComplete(w) {
    if (w.for !== "keys") { return true; }
    if (w.finish_on_key && buffer.endsWith(w.finish_on_key)) { return true; }
    const digits = w.finish_on_key ? buffer.split(w.finish_on_key).join("") : buffer;
    return !w.num_digits ? false : digits.length >= w.num_digits;
  }

  function press(key) {
    const button = keys.find((b) => b.dataset.key === key);
    if (button) {
      button.classList.add("pressed");
      window.setTimeout(() => button.classList.remove("pressed"), 150);
    }
    if (call === null || waiting === null) {
      setStatus(call === null ? "No call: press Call first." : "The call is not listening now.");
      return;
    }
    buffer += key;
    typed.textContent = buffer;
    if (isComplete(waiting)) { answer(buffer); } else { enable(); }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) { return; }
    call = {at: $("at").value, from: $("from").value.trim(), to: $("to").value,
            dial: $("dial").value, inputs: []};
    events.textContent = "";
    shown = 0;
    buffer = "";
    waiting = null;
    endLine.hidden = true;
    enable();
    queue(() => run([]));
  });

  $("hangup").addEventListener("click", () => {
    if (call === null) { return; }
    if (waiting === null) { call = null; setStatus("Hung up."); enable(); return; }
    answer("hangup");
  });
  $("silence").addEventListener("click", () => { if (call && waiting) { answer(buffer); } });
  $("record").addEventListener("click", () => { if (call && waiting) { answer("record:5"); } });
  $("speech-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const words = $("speech").value.trim();
    if (call && waiting && words) { $("speech").value = ""; answer("say:" + words); }
  });
  keys.forEach((button) => button.addEventListener("click", () => press(button.dataset.key)));
  $("show-requests").addEventListener("change", (event) => {
    events.classList.toggle("with-requests", event.target.checked);
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.closest && target.closest("input, select, textarea");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (KEYS.includes(event.key) && event.key.length === 1) {
      event.preventDefault();
      press(event.key);
    }
  });
  enable();
}());
