package main

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io/fs"
	"os"
	"sync"
	"time"

	"lotse/bot"
	"lotse/internal/kb"
	"lotse/internal/kb/kbtest"
	"lotse/locales"
)

// End-to-end tests of the real program send as fast as the fake Bot API
// takes it, and their people type faster than anyone; bot's own tests
// check that the limits hold (TestBot_Pacing, TestBot_FloodControl).
func init() {
	// Bulk sends keep Telegram's 30 a second: TestSendReminders checks them.
	tuning.pacing = bot.Pacing{PerChat: 1000, ChatBurst: 100, PerGroup: 1000, GroupBurst: 100}
	tuning.userRate, tuning.userBurst = 100, 100
	tuning.loadKB = loadKBOnce
	// An import is live within a poll; TestServe_Offers waits for it.
	tuning.offersPoll = 100 * time.Millisecond
}

// loaded holds every content the tests loaded, by contentKey. A knowledge
// base is read only once loaded, and loading one costs one to two seconds
// of CPU under the race detector (most of it the urgent words): the
// program's starts and the content commands, some forty loads, share the
// handful of contents they work on.
var loaded struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]func() (*kb.KB, error)
}

// loadKBOnce is kb.Load, once per content; the shipped content through
// the cache the test binaries share.
func loadKBOnce(fsys fs.FS, overrideDir string) (*kb.KB, error) {
	key, err := contentKey(fsys, overrideDir)
	if err != nil {
		return kb.Load(fsys, overrideDir) // for Load's own error
	}
	loaded.mu.Lock()
	if loaded.m == nil {
		loaded.m = map[[sha256.Size]byte]func() (*kb.KB, error){}
	}
	load, ok := loaded.m[key]
	if !ok {
		load = sync.OnceValues(func() (*kb.KB, error) { return kb.Load(fsys, overrideDir) })
		if fsys == fs.FS(locales.FS) && overrideDir == "" {
			load = kbtest.LoadShipped
		}
		loaded.m[key] = load
	}
	loaded.mu.Unlock()
	return load()
}

// contentKey names what Load would read: the override directory's name
// (problems name its files) and every file of both trees, so a file a
// test writes (an import) makes a new content, loaded afresh.
func contentKey(fsys fs.FS, overrideDir string) ([sha256.Size]byte, error) {
	h := sha256.New()
	field(h, []byte(overrideDir))
	if fsys == fs.FS(locales.FS) {
		field(h, []byte("shipped")) // embedded: never changes
	} else if err := hashTree(h, fsys); err != nil {
		return [sha256.Size]byte{}, err
	}
	if overrideDir != "" {
		if err := hashTree(h, os.DirFS(overrideDir)); err != nil {
			return [sha256.Size]byte{}, err
		}
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key, nil
}

func hashTree(h hash.Hash, fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		field(h, []byte(name))
		field(h, b)
		return nil
	})
}

func field(h hash.Hash, b []byte) {
	h.Write(binary.AppendUvarint(nil, uint64(len(b))))
	h.Write(b)
}
