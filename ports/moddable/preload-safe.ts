// noble keeps a few caches in WeakMaps and WeakSets made when its modules
// load (point window sizes, per-point wNAF tables, field square roots,
// validated points). In a preloaded Moddable module these live in flash and
// every write throws ("read-only WeakMap instance"). The Moddable bundles
// replace them with this stand-in (rollup.config.mjs): writes made while the
// module is prepared go to the original collection; once that is read-only,
// writes go to a second one made in RAM on first use.

type Weak = WeakMap<object, unknown> & WeakSet<object>;

export function ramWeak(Kind: new () => WeakMap<object, unknown> | WeakSet<object>): Weak {
  const built = new Kind() as Weak;
  let ram: Weak | null = null;
  const write = (f: (w: Weak) => void): void => {
    if (ram === null) {
      try {
        f(built);
        return;
      } catch {
        ram = new Kind() as Weak; // read-only: preloaded
      }
    }
    f(ram);
  };
  const self = {
    get: (k: object) => (ram !== null && ram.has(k) ? ram.get(k) : built.get(k)),
    has: (k: object) => (ram !== null && ram.has(k)) || built.has(k),
    set(k: object, v: unknown) {
      write((w) => w.set(k, v));
      return self;
    },
    add(k: object) {
      write((w) => w.add(k));
      return self;
    },
    delete(k: object) {
      let done = ram !== null && ram.delete(k);
      try {
        done = built.delete(k) || done;
      } catch {
        // read-only: an entry made while preparing stays (noble only deletes before re-setting)
      }
      return done;
    },
  };
  return self as unknown as Weak;
}
