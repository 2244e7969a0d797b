/// <reference lib="dom" />
/**
 * The time slider and Play/Pause: replays the frames the page holds. While a run streams, the
 * slider follows the newest frame unless the user moved it back; moving it to the end follows
 * again. The button says Play or Pause in words: the pause sign (U+23F8) is missing from common
 * Linux fonts (DejaVu, Liberation) and showed as an empty box.
 */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Frames per second of the replay (a 12-hour run at 10 min replays in about 9 s). */
const REPLAY_FPS = 8;

export class Playback {
  /** True while the slider is at the newest frame and moves on with each new one. */
  follow = true;
  private timer: number | null = null;
  private readonly slider = $<HTMLInputElement>('frame');
  private readonly button = $<HTMLButtonElement>('play');

  constructor(
    /** Called with the frame to show. */
    private readonly show: (index: number) => void,
    /** Text for a frame's time. */
    private readonly label: (index: number) => string,
  ) {
    this.slider.addEventListener('input', () => {
      this.pause();
      const index = this.slider.valueAsNumber;
      this.follow = index >= Number(this.slider.max);
      this.update(index);
    });
    this.button.addEventListener('click', () => (this.timer === null ? this.play() : this.pause()));
  }

  /** A run starts: nothing to replay yet. */
  reset(): void {
    this.pause();
    this.follow = true;
    this.slider.max = '0';
    this.slider.value = '0';
    this.slider.disabled = true;
    this.button.disabled = true;
    $('frame-time').textContent = '--';
  }

  /** A frame arrived: the slider grows, and shows it when following. */
  frames(count: number): void {
    this.slider.max = String(Math.max(0, count - 1));
    this.slider.disabled = count < 2;
    this.button.disabled = count < 2;
    if (this.follow) this.update(count - 1);
  }

  get index(): number {
    return this.slider.valueAsNumber;
  }

  play(): void {
    const max = Number(this.slider.max);
    if (max < 1) return;
    if (this.index >= max) this.update(0);
    this.follow = false;
    this.button.textContent = 'Pause';
    this.timer = window.setInterval(() => {
      const next = this.index + 1;
      const last = Number(this.slider.max);
      this.update(Math.min(next, last));
      if (next >= last) {
        this.follow = true;
        this.pause();
      }
    }, 1000 / REPLAY_FPS);
  }

  pause(): void {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    this.button.textContent = 'Play';
  }

  private update(index: number): void {
    this.slider.value = String(index);
    $('frame-time').textContent = this.label(index);
    this.slider.setAttribute('aria-valuetext', this.label(index));
    this.show(index);
  }
}
