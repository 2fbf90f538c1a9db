// noble keeps two caches in a WeakMap and a WeakSet made when its modules
// load: each field's square-root function (modular.js FIELD_SQRT) and the
// points it has validated (weierstrass.js validityCache). In a preloaded
// Moddable module they live in flash and every write throws ("read-only
// WeakMap instance"; a field in flash is refused even as the key of a
// WeakMap made in RAM: "key: read-only"). The Moddable bundles replace them
// with this stand-in (scripts/preload-safe.mjs): writes made while the
// module is prepared are kept; once it is read-only, new entries are not
// kept (computed again when asked), so nothing of a module is written at run
// time. noble's other collections (a point's window size and wNAF tables)
// are written only by precompute(), which then throws: curveTables is
// refused in a preloaded bundle (core/crypto/curve-tables.ts).

type Weak = WeakMap<object, unknown> & WeakSet<object>;

export function flashCache(Kind: new () => WeakMap<object, unknown> | WeakSet<object>): Weak {
  const made = new Kind() as Weak;
  const keep = (f: () => unknown): void => {
    try {
      f();
    } catch {
      // read-only (preloaded): not cached
    }
  };
  const self = {
    get: (k: object) => made.get(k),
    has: (k: object) => made.has(k),
    set(k: object, v: unknown) {
      keep(() => made.set(k, v));
      return self;
    },
    add(k: object) {
      keep(() => made.add(k));
      return self;
    },
  };
  return self as unknown as Weak;
}
