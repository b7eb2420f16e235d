// The audible end of a step: three short tones made with WebAudio (no sound file to download).
// Browsers only play sound after the person has interacted with the page, so the context is
// made (or resumed) from the click that turns the sound on.

let context: AudioContext | null = null;

/** Make the audio context ready; call it from a click or key press. Answers false without WebAudio. */
export function unlockSound(): boolean {
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return false;
  context ??= new Ctor();
  void context.resume().catch(() => {});
  return true;
}

/** Three rising tones (about a second): the step's time is up. */
export function playEndChime(): void {
  if (!context || context.state !== "running") return;
  const start = context.currentTime + 0.02;
  [660, 880, 1100].forEach((freq, i) => {
    const osc = context!.createOscillator();
    const gain = context!.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    const t = start + i * 0.28;
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.001, t + 0.26);
    osc.connect(gain).connect(context!.destination);
    osc.start(t);
    osc.stop(t + 0.3);
  });
}
