package kb

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// cacheFormat changes with the layout of cacheFile. The key also holds a
// hash of the running program, so a build that reads or indexes text
// differently never uses another build's cache.
const cacheFormat = "lotse-kb-cache-3"

// LoadCached is Load with a compiled cache in cacheDir: the parsed texts
// and the built index, saved after a load and read instead of parsing and
// indexing again when the content files and the program are the same.
// With thousands of entries that is most of the start-up time. The file is
// named after a hash of every content file read and of the program, so it
// is never stale; it is written under a temporary name and renamed, so
// replicas starting at once each see a whole file or none. Deleting it is
// always safe: the next start builds it again; caches written a day
// before a new one are removed.
//
// A cache that cannot be read or written is not an error: the content is
// loaded from its files, and cacheErr says why the cache was not used.
// cacheDir "" is Load.
func LoadCached(fsys fs.FS, overrideDir, cacheDir string) (k *KB, cacheErr, err error) {
	if cacheDir == "" {
		k, err = Load(fsys, overrideDir)
		return k, nil, err
	}
	trees, err := readTrees(fsys, overrideDir)
	if err != nil {
		return nil, nil, err
	}
	key, cacheErr := cacheKey(trees)
	if cacheErr != nil {
		k, err = loadTrees(trees)
		return k, cacheErr, err
	}
	name := filepath.Join(cacheDir, "kb-"+hex.EncodeToString(key[:16])+".cache")
	k, cacheErr = readCache(name, key, trees)
	if cacheErr == nil {
		return k, nil, nil
	}
	missing := errors.Is(cacheErr, fs.ErrNotExist)
	if k, err = loadTrees(trees); err != nil {
		return nil, nil, err
	}
	if werr := writeCache(cacheDir, name, key, k); werr != nil {
		return k, werr, nil
	}
	if missing {
		// The usual first start of a version: nothing to report.
		cacheErr = nil
	}
	return k, cacheErr, nil
}

var program struct {
	once sync.Once
	sum  [sha256.Size]byte
	err  error
}

// programHash hashes the running executable once per process.
func programHash() ([sha256.Size]byte, error) {
	program.once.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			program.err = fmt.Errorf("kb: cache: %w", err)
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			program.err = fmt.Errorf("kb: cache: %w", err)
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			program.err = fmt.Errorf("kb: cache: read %s: %w", exe, err)
			return
		}
		h.Sum(program.sum[:0])
	})
	return program.sum, program.err
}

// cacheKey hashes the program and every file the cache stands for, with
// the names they are reported under. The urgent words are not cached.
func cacheKey(trees []*tree) ([sha256.Size]byte, error) {
	var key [sha256.Size]byte
	prog, err := programHash()
	if err != nil {
		return key, err
	}
	h := sha256.New()
	field := func(b []byte) {
		h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.Write(b)
	}
	field([]byte(cacheFormat))
	field(prog[:])
	for _, t := range trees {
		field([]byte(t.dir))
		field(t.structure)
		for _, p := range t.ignored {
			field([]byte(p.File))
		}
		for _, l := range t.langs {
			field([]byte(l.file))
			field(l.data)
		}
	}
	h.Sum(key[:0])
	return key, nil
}

// cacheFile is what the cache holds: the KB without its urgent words,
// the index without what is quickly derived from its terms. It is written
// as several gob messages – this header, one cacheLang per language, the
// postings in chunks – as gob reads a message of more than 10 MB in
// growing steps, copying it again each time.
type cacheFile struct {
	Key      []byte
	Areas    []string
	Entries  []Entry
	Files    []string
	Problems []Problem

	NEntries int    // of the index
	Terms    string // all term texts, one after the other
	TermEnds []uint32
	Idf      []float64
	Asked    []bool
	Rsorted  []int32
	PostLen  []uint32 // per term
	DelShift uint
	DelStart []uint32
	DelSlots []uint64
	Unknown  float64
}

// cacheLang is one language's texts. They are read back as substrings of
// one string, one allocation instead of tens of thousands.
type cacheLang struct {
	Lang, File    string
	HumanReviewed bool
	Order         []string // ids in load order; the rest in the same order
	Text          string   // every question, phrase and answer, one after the other
	Ends          []uint32 // where each ends in Text: question, answer, phrases
	Phrases       []uint16 // how many phrases each text has
	Reviewed      []bool
	TextFiles     []string // files the texts came from, when not File (overrides)
	TextFile      []uint16 // 0: File, i: TextFiles[i-1]
}

// postChunk is up to postChunkLen postings.
type postChunk struct {
	EF []uint32 // entry << 2 | field
	W  []float32
}

const postChunkLen = 1 << 20

func writeCache(dir, name string, key [sha256.Size]byte, k *KB) error {
	c := cacheFile{Key: key[:], Areas: k.areas, Entries: k.entries, Files: k.files, Problems: k.loadProblems}
	ix := k.idx
	c.NEntries, c.Unknown = ix.entries, ix.unknownWeight
	var terms strings.Builder
	for _, t := range ix.terms {
		terms.WriteString(t.text)
		c.TermEnds = append(c.TermEnds, uint32(terms.Len()))
		c.Idf = append(c.Idf, t.idf)
		c.Asked = append(c.Asked, t.asked)
	}
	c.Terms = terms.String()
	c.Rsorted = ix.rsorted
	for id := range ix.terms {
		c.PostLen = append(c.PostLen, uint32(len(ix.postings(int32(id)))))
	}
	post := ix.post
	c.DelShift, c.DelStart, c.DelSlots = ix.dels.shift, ix.dels.start, ix.dels.slots

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("kb: write cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".kb-*.tmp")
	if err != nil {
		return fmt.Errorf("kb: write cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	w := bufio.NewWriterSize(tmp, 1<<20)
	enc := gob.NewEncoder(w)
	err = enc.Encode(&c)
	for _, lang := range k.files {
		if err != nil {
			break
		}
		err = enc.Encode(cacheLangOf(lang, k.langs[lang]))
	}
	for len(post) > 0 && err == nil {
		n := min(len(post), postChunkLen)
		ch := postChunk{EF: make([]uint32, n), W: make([]float32, n)}
		for i, p := range post[:n] {
			ch.EF[i], ch.W[i] = p.ef, p.w
		}
		err = enc.Encode(&ch)
		post = post[n:]
	}
	if err != nil {
		tmp.Close()
		return fmt.Errorf("kb: write cache %s: %w", tmp.Name(), err)
	}
	if err := errors.Join(w.Flush(), tmp.Close()); err != nil {
		return fmt.Errorf("kb: write cache %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("kb: write cache: %w", err)
	}
	removeOldCaches(dir, name)
	return nil
}

func cacheLangOf(lang string, f *langFile) *cacheLang {
	cl := &cacheLang{Lang: lang, File: f.file, HumanReviewed: f.humanReviewed, Order: f.order}
	// Exactly the size needed: the string is kept, and a builder left to
	// grow ends with up to twice the room.
	var text strings.Builder
	size := 0
	for _, t := range f.texts.all() {
		size += len(t.question) + len(t.answer)
		for _, p := range t.phrases {
			size += len(p)
		}
	}
	text.Grow(size)
	end := func(s string) {
		text.WriteString(s)
		cl.Ends = append(cl.Ends, uint32(text.Len()))
	}
	for _, id := range f.order {
		t, _ := f.texts.get(id)
		end(t.question)
		end(t.answer)
		for _, p := range t.phrases {
			end(p)
		}
		cl.Phrases = append(cl.Phrases, uint16(len(t.phrases)))
		cl.Reviewed = append(cl.Reviewed, t.humanReviewed)
		i := 0
		if t.file != f.file {
			i = slices.Index(cl.TextFiles, t.file)
			if i < 0 {
				cl.TextFiles = append(cl.TextFiles, t.file)
				i = len(cl.TextFiles) - 1
			}
			i++
		}
		cl.TextFile = append(cl.TextFile, uint16(i))
	}
	cl.Text = text.String()
	return cl
}

// removeOldCaches deletes the caches of other content or programs
// written more than a day before keep: a replica of the previous version
// starting during a rolling update keeps its own. The file times are the
// file system's, so no clock is read here.
func removeOldCaches(dir, keep string) {
	st, err := os.Stat(keep)
	if err != nil {
		return
	}
	old, _ := filepath.Glob(filepath.Join(dir, "kb-*.cache"))
	for _, o := range old {
		if ost, err := os.Stat(o); err == nil && o != keep && st.ModTime().Sub(ost.ModTime()) > 24*time.Hour {
			os.Remove(o)
		}
	}
}

func readCache(name string, key [sha256.Size]byte, trees []*tree) (*KB, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("kb: read cache: %w", err)
	}
	defer f.Close()
	k, err := decodeCache(gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)), key)
	if err != nil {
		return nil, fmt.Errorf("kb: read cache %s: %w", name, err)
	}
	// The urgent words are quick to parse and not cached.
	for _, t := range trees {
		if err := k.mergeUrgent(t); err != nil {
			return nil, err
		}
	}
	return k, nil
}

var errCacheBroken = errors.New("cache does not fit together")

func decodeCache(dec *gob.Decoder, key [sha256.Size]byte) (*KB, error) {
	var c cacheFile
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if string(c.Key) != string(key[:]) {
		return nil, errors.New("written for other content")
	}
	k := &KB{areas: c.Areas, entries: c.Entries, byID: make(map[string]int, len(c.Entries)),
		langs: map[string]*langFile{}, files: c.Files, urgent: newUrgentList(), loadProblems: c.Problems}
	for i, e := range k.entries {
		k.byID[e.ID] = i
	}
	for range c.Files {
		var cl cacheLang
		if err := dec.Decode(&cl); err != nil {
			return nil, err
		}
		// Every language's texts are keyed by the entries' own id strings.
		for i, id := range cl.Order {
			if j, ok := k.byID[id]; ok {
				cl.Order[i] = k.entries[j].ID
			}
		}
		f, err := cl.langFile()
		if err != nil {
			return nil, err
		}
		k.langs[cl.Lang] = f
	}

	n := len(c.TermEnds)
	if len(c.Idf) != n || len(c.Asked) != n || len(c.Rsorted) != n || len(c.PostLen) != n {
		return nil, errCacheBroken
	}
	ix := &index{entries: c.NEntries, rsorted: c.Rsorted,
		unknownWeight: c.Unknown, terms: make([]term, n)}
	ix.scratch.New = func() any { return newScratch(ix.entries) }
	var start uint32
	for id, end := range c.TermEnds {
		if end < start || int(end) > len(c.Terms) {
			return nil, errCacheBroken
		}
		s := c.Terms[start:end]
		ix.terms[id] = term{text: s, arabic: isArabicScript(s), idf: c.Idf[id], asked: c.Asked[id]}
		start = end
	}
	for i := range n {
		if c.Rsorted[i] < 0 || int(c.Rsorted[i]) >= n {
			return nil, errCacheBroken
		}
	}

	total := 0
	for _, l := range c.PostLen {
		total += int(l)
	}
	all := make([]posting, 0, total)
	for len(all) < total {
		var ch postChunk
		if err := dec.Decode(&ch); err != nil {
			return nil, err
		}
		if len(ch.EF) != len(ch.W) || len(all)+len(ch.EF) > total {
			return nil, errCacheBroken
		}
		for i, ef := range ch.EF {
			if int(ef>>2) >= ix.entries {
				return nil, errCacheBroken
			}
			all = append(all, posting{ef: ef, w: ch.W[i]})
		}
	}
	ix.post, ix.postStart = all, make([]uint32, 1, n+1)
	for _, l := range c.PostLen {
		ix.postStart = append(ix.postStart, ix.postStart[len(ix.postStart)-1]+l)
	}

	ix.dels = delIndex{shift: c.DelShift, start: c.DelStart, slots: c.DelSlots}
	if c.DelShift < 1 || c.DelShift > 63 ||
		len(ix.dels.start) != 1<<(64-c.DelShift)+1 || int(ix.dels.start[len(ix.dels.start)-1]) != len(ix.dels.slots) {
		return nil, errCacheBroken
	}
	for _, v := range ix.dels.slots {
		if id := int32(v &^ exactSlot); id < 0 || int(id) >= n {
			return nil, errCacheBroken
		}
	}
	ix.derive()
	k.idx = ix
	return k, nil
}

func (cl *cacheLang) langFile() (*langFile, error) {
	f := &langFile{file: cl.File, humanReviewed: cl.HumanReviewed, order: cl.Order}
	m := len(cl.Order)
	if len(cl.Phrases) != m || len(cl.Reviewed) != m || len(cl.TextFile) != m {
		return nil, errCacheBroken
	}
	var phrases int
	for _, p := range cl.Phrases {
		phrases += int(p)
	}
	if len(cl.Ends) != 2*m+phrases {
		return nil, errCacheBroken
	}
	var start uint32
	broken := false
	next := func() string {
		end := cl.Ends[0]
		cl.Ends = cl.Ends[1:]
		if end < start || int(end) > len(cl.Text) {
			end, broken = start, true
		}
		s := cl.Text[start:end]
		start = end
		return s
	}
	// All phrases of the language in one array, sliced per text.
	all := make([]string, 0, phrases)
	for i, id := range cl.Order {
		t := langText{question: next(), answer: next(), humanReviewed: cl.Reviewed[i], file: cl.File}
		if cl.Phrases[i] > 0 {
			p0 := len(all)
			for range cl.Phrases[i] {
				all = append(all, next())
			}
			t.phrases = all[p0:len(all):len(all)]
		}
		if j := int(cl.TextFile[i]); j > 0 {
			if j > len(cl.TextFiles) {
				return nil, errCacheBroken
			}
			t.file = cl.TextFiles[j-1]
		}
		f.texts.set(id, t)
	}
	if broken || int(start) != len(cl.Text) {
		return nil, errCacheBroken
	}
	f.texts.freeze()
	return f, nil
}
