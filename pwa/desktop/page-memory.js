// Where a shared computer's profile keeps its snapshots, key and outbox: in this page, never on disk
// (docs/pairing.md §6). The few calls store.js and outbox.js make on an `idb` database, over Maps;
// everything goes with the page. Values are copied in and out, as IndexedDB does.
const KEY_PATHS = { keys: 'profileId', snapshots: 'key', outbox: 'id' };
const stores = Object.fromEntries(Object.keys(KEY_PATHS).map((name) => [name, new Map()]));
const copy = (value) => (value === undefined ? undefined : structuredClone(value));
const ofProfile = (name, profileId) => [...stores[name].values()].filter((row) => row.profileId === profileId);

function cursor(name, rows, at) {
  if (at >= rows.length) return null;
  return {
    value: copy(rows[at]),
    delete: async () => { stores[name].delete(rows[at][KEY_PATHS[name]]); },
    continue: async () => cursor(name, rows, at + 1),
  };
}

function objectStore(name) {
  return {
    get: async (key) => copy(stores[name].get(key)),
    put: async (value) => { stores[name].set(value[KEY_PATHS[name]], copy(value)); },
    delete: async (key) => { stores[name].delete(key); },
    index: () => ({ openCursor: async (profileId) => cursor(name, ofProfile(name, profileId), 0) }),
  };
}

export const pageMemory = {
  get: (name, key) => objectStore(name).get(key),
  put: (name, value) => objectStore(name).put(value),
  delete: (name, key) => objectStore(name).delete(key),
  getAllFromIndex: async (name, index, profileId) => ofProfile(name, profileId).map(copy),
  countFromIndex: async (name, index, profileId) => ofProfile(name, profileId).length,
  transaction: (names) => ({ store: objectStore([names].flat()[0]), objectStore, done: Promise.resolve() }),
};
