// hiprom: the upload drop zone and the analysis progress bar (no inline scripts: CSP script-src 'self').
document.addEventListener("DOMContentLoaded", () => {
  const drop = document.getElementById("drop");
  const input = document.getElementById("clip");
  if (drop && input) {
    ["dragenter", "dragover"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", (ev) => { if (ev.dataTransfer.files.length) input.files = ev.dataTransfer.files; });
  }
  const form = document.getElementById("upload-form");
  if (form) {
    // the form is checked before the clip is sent: a missing position is said at once, nothing is lost
    const test = document.getElementById("test");
    const position = document.getElementById("position");
    const problem = document.getElementById("form-error");
    const needsPosition = () => test.selectedOptions[0].dataset.positions !== "1";
    const sync = () => {
      document.getElementById("position-field").hidden = !needsPosition();
      document.getElementById("marker-field").hidden = needsPosition();
    };
    test.addEventListener("change", sync);
    sync();
    form.addEventListener("submit", (ev) => {
      let why = "";
      if (!form.athlete.value.trim()) why = "give the athlete's name";
      else if (needsPosition() && !position.value) why = "choose the position of the hip-rotation test";
      else if (!input.files.length) why = "choose a clip";
      if (why) { ev.preventDefault(); problem.textContent = why; problem.hidden = false; problem.focus(); }
    });
  }
  const synced = Array.from(document.querySelectorAll("video.synced"));
  if (synced.length === 2) {
    // two sessions in step: play, pause and seek together; the second follows the first's clock
    const [lead, other] = synced;
    const both = (f) => synced.forEach(f);
    document.getElementById("play-both").addEventListener("click", () => both((v) => v.play()));
    document.getElementById("pause-both").addEventListener("click", () => both((v) => v.pause()));
    document.getElementById("restart-both").addEventListener("click", () => both((v) => { v.currentTime = 0; }));
    lead.addEventListener("seeked", () => { if (Math.abs(other.currentTime - lead.currentTime) > 0.1) other.currentTime = lead.currentTime; });
    lead.addEventListener("timeupdate", () => {
      if (!lead.paused && Math.abs(other.currentTime - lead.currentTime) > 0.25 && lead.currentTime < other.duration) {
        other.currentTime = lead.currentTime;
      }
    });
  }
  const video = document.querySelector("video");
  document.querySelectorAll("button.use-video-time").forEach((b) => b.addEventListener("click", () => {
    // the clinician paused the annotated video where the pelvis began to tilt: that moment, in seconds
    if (video) b.form.onset_s.value = video.currentTime.toFixed(2);
  }));
  const job = document.getElementById("job");
  if (job) {
    const bar = document.getElementById("progress");
    const message = document.getElementById("job-message");
    const poll = async () => {
      const response = await fetch(job.dataset.statusUrl, {credentials: "same-origin"});
      if (!response.ok) { message.textContent = "lost contact with the server; reload"; return; }
      const state = await response.json();
      bar.value = state.progress;
      message.textContent = state.status + ": " + state.message;
      if (state.status === "done") { window.location = job.dataset.resultUrl; return; }
      if (state.status === "failed") { message.classList.add("error"); message.id = "job-error"; return; }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 500);
  }
});
