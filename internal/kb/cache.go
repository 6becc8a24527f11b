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
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"lotse/internal/classify"
)

// cacheFormat changes with the layout of cacheFile. The key also holds a
// hash of the running program, so a build that reads or indexes text
// differently never uses another build's cache.
const cacheFormat = "lotse-kb-cache-8"

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
	prog, cacheErr := programHash()
	if cacheErr != nil {
		k, err = Load(fsys, overrideDir)
		return k, cacheErr, err
	}
	return LoadCachedAs(fsys, overrideDir, cacheDir, prog[:])
}

// LoadCachedAs is LoadCached with the cache keyed by program instead of a
// hash of the running executable: program must change whenever the code
// that reads, indexes or learns from the content does. Tests use it so
// that their many binaries, which all differ, share one cache (kbtest).
func LoadCachedAs(fsys fs.FS, overrideDir, cacheDir string, program []byte) (k *KB, cacheErr, err error) {
	trees, err := readTrees(fsys, overrideDir)
	if err != nil {
		return nil, nil, err
	}
	key := cacheKey(trees, program)
	name := filepath.Join(cacheDir, "kb-"+hex.EncodeToString(key[:16])+".cache")
	k, cacheErr = readCache(name, key)
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
// the names they are reported under: the texts, the urgent words, the
// examples the urgent model learns from and the messages whose words
// are known words (urgent_known.go).
func cacheKey(trees []*tree, prog []byte) [sha256.Size]byte {
	var key [sha256.Size]byte
	h := sha256.New()
	field := func(b []byte) {
		h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.Write(b)
	}
	field([]byte(cacheFormat))
	field(prog)
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
		field(t.urgent)
		for _, l := range t.examples {
			field([]byte(l.file))
			field(l.data)
		}
		for _, l := range t.messages {
			field([]byte(l.file))
			field(l.data)
		}
	}
	h.Sum(key[:0])
	return key
}

// cacheFile heads what the cache holds: the KB, with the index without
// what is quickly derived from its terms. The exported fields are a gob
// message; the rest follow it as raw little-endian arrays (rawWriter),
// then one cacheLang per language the same way, the postings, the urgent
// model (cacheModel) and the compiled urgent lists (cacheUrgent). Gob
// decoded the arrays a number at a time and read a large message in
// growing steps: most of a start from the cache.
type cacheFile struct {
	Key      []byte
	Areas    []string
	Entries  []Entry
	Files    []string
	Problems []Problem

	NEntries int    // of the index
	terms    string // all term texts, one after the other
	termEnds []uint32
	idf      []uint64 // math.Float64bits
	asked    []bool
	rsorted  []uint32
	postLen  []uint32 // per term
	DelShift uint
	delStart []uint32
	delSlots []uint64
	qTerms   []uint32
	qStart   []uint32
	Unknown  float64
}

// cacheLang is one language's texts. They are read back as substrings of
// one string, one allocation instead of tens of thousands.
type cacheLang struct {
	Lang, File    string
	HumanReviewed bool
	Order         []string // ids in load order; the rest in the same order
	text          string   // every question, phrase and answer, one after the other
	ends          []uint32 // where each ends in text: question, answer, phrases (phraseList)
	reviewed      []bool
	TextFiles     []string // files the texts came from, when not File (overrides)
	textFile      []uint16 // 0: File, i: TextFiles[i-1]
}

// rawWriter writes the arrays of the cache, each as its length (uvarint)
// and its elements in little-endian order; the first error sticks.
type rawWriter struct {
	w   *bufio.Writer
	err error
	buf []byte
}

func (w *rawWriter) len(n int) {
	if w.err == nil {
		_, w.err = w.w.Write(binary.AppendUvarint(w.buf[:0], uint64(n)))
	}
}

func (w *rawWriter) str(s string) {
	w.len(len(s))
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

// words writes n elements of size bytes each, put(b, i) encoding element i.
func (w *rawWriter) words(n, size int, put func(b []byte, i int)) {
	w.len(n)
	for i := 0; i < n && w.err == nil; i++ {
		var b [8]byte
		put(b[:size], i)
		_, w.err = w.w.Write(b[:size])
	}
}

func (w *rawWriter) u32s(v []uint32) {
	w.words(len(v), 4, func(b []byte, i int) { binary.LittleEndian.PutUint32(b, v[i]) })
}

func (w *rawWriter) u16s(v []uint16) {
	w.words(len(v), 2, func(b []byte, i int) { binary.LittleEndian.PutUint16(b, v[i]) })
}

func (w *rawWriter) u64s(v []uint64) {
	w.words(len(v), 8, func(b []byte, i int) { binary.LittleEndian.PutUint64(b, v[i]) })
}

func (w *rawWriter) bools(v []bool) {
	w.words(len(v), 1, func(b []byte, i int) {
		b[0] = 0
		if v[i] {
			b[0] = 1
		}
	})
}

// rawReader reads what rawWriter wrote. A length beyond the file's size
// is an error before anything is allocated for it.
type rawReader struct {
	r   *bufio.Reader
	max uint64
	err error
	buf []byte
}

func (r *rawReader) len() int {
	if r.err != nil {
		return 0
	}
	n, err := binary.ReadUvarint(r.r)
	switch {
	case err != nil:
		r.err = err
	case n > r.max:
		r.err = errCacheBroken
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}

func (r *rawReader) str() string {
	n := r.len()
	if r.err != nil {
		return ""
	}
	var b strings.Builder
	b.Grow(n)
	_, r.err = io.CopyN(&b, r.r, int64(n))
	return b.String()
}

// words reads n elements of size bytes, in chunks, get(b, i) decoding
// element i.
func (r *rawReader) words(n, size int, get func(b []byte, i int)) {
	for i := 0; i < n && r.err == nil; {
		m := min(n-i, 1<<16)
		if cap(r.buf) < m*size {
			r.buf = make([]byte, m*size)
		}
		b := r.buf[:m*size]
		if _, r.err = io.ReadFull(r.r, b); r.err != nil {
			return
		}
		for j := range m {
			get(b[j*size:], i+j)
		}
		i += m
	}
}

func (r *rawReader) u32s() []uint32 {
	v := make([]uint32, r.len())
	r.words(len(v), 4, func(b []byte, i int) { v[i] = binary.LittleEndian.Uint32(b) })
	return v
}

func (r *rawReader) u16s() []uint16 {
	v := make([]uint16, r.len())
	r.words(len(v), 2, func(b []byte, i int) { v[i] = binary.LittleEndian.Uint16(b) })
	return v
}

func (r *rawReader) u64s() []uint64 {
	v := make([]uint64, r.len())
	r.words(len(v), 8, func(b []byte, i int) { v[i] = binary.LittleEndian.Uint64(b) })
	return v
}

func (w *rawWriter) f32s(v []float32) {
	w.words(len(v), 4, func(b []byte, i int) { binary.LittleEndian.PutUint32(b, math.Float32bits(v[i])) })
}

func (r *rawReader) f32s() []float32 {
	v := make([]float32, r.len())
	r.words(len(v), 4, func(b []byte, i int) { v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b)) })
	return v
}

func (r *rawReader) bools() []bool {
	v := make([]bool, r.len())
	r.words(len(v), 1, func(b []byte, i int) { v[i] = b[0] != 0 })
	return v
}

func (w *rawWriter) file(c *cacheFile) {
	w.str(c.terms)
	w.u32s(c.termEnds)
	w.u64s(c.idf)
	w.bools(c.asked)
	w.u32s(c.rsorted)
	w.u32s(c.postLen)
	w.u32s(c.delStart)
	w.u64s(c.delSlots)
	w.u32s(c.qTerms)
	w.u32s(c.qStart)
}

func (r *rawReader) file(c *cacheFile) {
	c.terms = r.str()
	c.termEnds = r.u32s()
	c.idf = r.u64s()
	c.asked = r.bools()
	c.rsorted = r.u32s()
	c.postLen = r.u32s()
	c.delStart = r.u32s()
	c.delSlots = r.u64s()
	c.qTerms = r.u32s()
	c.qStart = r.u32s()
}

func (w *rawWriter) lang(cl *cacheLang) {
	w.str(cl.text)
	w.u32s(cl.ends)
	w.bools(cl.reviewed)
	w.u16s(cl.textFile)
}

func (r *rawReader) lang(cl *cacheLang) {
	cl.text = r.str()
	cl.ends = r.u32s()
	cl.reviewed = r.bools()
	cl.textFile = r.u16s()
}

func (w *rawWriter) postings(p []posting) {
	w.words(len(p), 8, func(b []byte, i int) {
		binary.LittleEndian.PutUint32(b, p[i].ef)
		binary.LittleEndian.PutUint32(b[4:], math.Float32bits(p[i].w))
	})
}

func (r *rawReader) postings() []posting {
	p := make([]posting, r.len())
	r.words(len(p), 8, func(b []byte, i int) {
		p[i] = posting{ef: binary.LittleEndian.Uint32(b), w: math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))}
	})
	return p
}

// cacheModel heads the urgent model's arrays. Learning it from the
// examples and the base's questions and phrases takes seconds with a
// large base, the most of a start after the texts.
type cacheModel struct {
	Kinds []string // nil: no model (no examples)
}

// model writes m (nil: none) after the postings.
func (w *rawWriter) model(enc *gob.Encoder, m *classify.Model) error {
	var p classify.Parts
	if m != nil {
		p = m.Parts()
	}
	if err := enc.Encode(cacheModel{Kinds: p.Kinds}); err != nil {
		return err
	}
	w.u64s(p.Features)
	w.f32s(p.Weights)
	w.f32s(p.Bias)
	return w.err
}

func (r *rawReader) model(dec *gob.Decoder) (*classify.Model, error) {
	var c cacheModel
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	p := classify.Parts{Kinds: c.Kinds, Features: r.u64s(), Weights: r.f32s(), Bias: r.f32s()}
	if r.err != nil || c.Kinds == nil {
		return nil, r.err
	}
	return classify.FromParts(p)
}

func writeCache(dir, name string, key [sha256.Size]byte, k *KB) error {
	c := cacheFile{Key: key[:], Areas: k.areas, Entries: k.entries, Files: k.files, Problems: k.loadProblems}
	ix := k.idx
	c.NEntries, c.Unknown = ix.entries, ix.unknownWeight
	var terms strings.Builder
	for _, t := range ix.terms {
		terms.WriteString(t.text)
		c.termEnds = append(c.termEnds, uint32(terms.Len()))
		c.idf = append(c.idf, math.Float64bits(t.idf))
		c.asked = append(c.asked, t.asked)
	}
	c.terms = terms.String()
	c.rsorted = make([]uint32, len(ix.rsorted))
	for i, id := range ix.rsorted {
		c.rsorted[i] = uint32(id)
	}
	for id := range ix.terms {
		c.postLen = append(c.postLen, uint32(len(ix.postings(int32(id)))))
	}
	post := ix.post
	c.DelShift, c.delStart, c.delSlots = ix.dels.shift, ix.dels.start, ix.dels.slots
	c.qTerms = make([]uint32, len(ix.qTerms))
	for i, id := range ix.qTerms {
		c.qTerms[i] = uint32(id)
	}
	c.qStart = ix.qStart

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
	raw := &rawWriter{w: w}
	raw.err = enc.Encode(&c)
	raw.file(&c)
	for _, lang := range k.files {
		if raw.err != nil {
			break
		}
		cl := cacheLangOf(lang, k.langs[lang])
		raw.err = enc.Encode(cl)
		raw.lang(cl)
	}
	raw.postings(post)
	if raw.err == nil {
		raw.err = raw.model(enc, k.urgentModel())
	}
	if raw.err == nil {
		raw.err = raw.urgent(enc, k.urgent)
	}
	if err := raw.err; err != nil {
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
		size += len(t.question) + len(t.answer) + len(t.phrases.s)
	}
	text.Grow(size)
	end := func(s string) {
		text.WriteString(s)
		cl.ends = append(cl.ends, uint32(text.Len()))
	}
	for _, id := range f.order {
		t, _ := f.texts.get(id)
		end(t.question)
		end(t.answer)
		end(t.phrases.s)
		cl.reviewed = append(cl.reviewed, t.humanReviewed)
		i := 0
		if t.file != f.file {
			i = slices.Index(cl.TextFiles, t.file)
			if i < 0 {
				cl.TextFiles = append(cl.TextFiles, t.file)
				i = len(cl.TextFiles) - 1
			}
			i++
		}
		cl.textFile = append(cl.textFile, uint16(i))
	}
	cl.text = text.String()
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

func readCache(name string, key [sha256.Size]byte) (*KB, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("kb: read cache: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("kb: read cache: %w", err)
	}
	// gob reads its messages from r exactly, as r is an io.ByteReader, so
	// the raw arrays between them are where rawReader expects them.
	r := bufio.NewReaderSize(f, 1<<20)
	k, err := decodeCache(gob.NewDecoder(r), &rawReader{r: r, max: uint64(st.Size())}, key)
	if err != nil {
		return nil, fmt.Errorf("kb: read cache %s: %w", name, err)
	}
	return k, nil
}

var errCacheBroken = errors.New("cache does not fit together")

func decodeCache(dec *gob.Decoder, raw *rawReader, key [sha256.Size]byte) (*KB, error) {
	var c cacheFile
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if string(c.Key) != string(key[:]) {
		return nil, errors.New("written for other content")
	}
	if raw.file(&c); raw.err != nil {
		return nil, raw.err
	}
	k := &KB{areas: c.Areas, entries: c.Entries, byID: make(map[string]int, len(c.Entries)),
		langs: map[string]*langFile{}, files: c.Files, loadProblems: c.Problems}
	for i, e := range k.entries {
		k.byID[e.ID] = i
	}
	for range c.Files {
		var cl cacheLang
		if err := dec.Decode(&cl); err != nil {
			return nil, err
		}
		if raw.lang(&cl); raw.err != nil {
			return nil, raw.err
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

	n := len(c.termEnds)
	if len(c.idf) != n || len(c.asked) != n || len(c.rsorted) != n || len(c.postLen) != n {
		return nil, errCacheBroken
	}
	ix := &index{entries: c.NEntries, rsorted: make([]int32, n),
		unknownWeight: c.Unknown, terms: make([]term, n)}
	ix.scratch.New = func() any { return newScratch(ix.entries) }
	var start uint32
	for id, end := range c.termEnds {
		if end < start || int(end) > len(c.terms) {
			return nil, errCacheBroken
		}
		s := c.terms[start:end]
		ix.terms[id] = term{text: s, arabic: isArabicScript(s), idf: math.Float64frombits(c.idf[id]), asked: c.asked[id]}
		start = end
	}
	for i := range n {
		if int(c.rsorted[i]) >= n {
			return nil, errCacheBroken
		}
		ix.rsorted[i] = int32(c.rsorted[i])
	}

	total := 0
	for _, l := range c.postLen {
		total += int(l)
	}
	all := raw.postings()
	if raw.err != nil {
		return nil, raw.err
	}
	if len(all) != total {
		return nil, errCacheBroken
	}
	for _, p := range all {
		if int(p.entry()) >= ix.entries {
			return nil, errCacheBroken
		}
	}
	ix.post, ix.postStart = all, make([]uint32, 1, n+1)
	for _, l := range c.postLen {
		ix.postStart = append(ix.postStart, ix.postStart[len(ix.postStart)-1]+l)
	}

	ix.dels = delIndex{shift: c.DelShift, start: c.delStart, slots: c.delSlots}
	if c.DelShift < 1 || c.DelShift > 63 ||
		len(ix.dels.start) != 1<<(64-c.DelShift)+1 || int(ix.dels.start[len(ix.dels.start)-1]) != len(ix.dels.slots) {
		return nil, errCacheBroken
	}
	for _, v := range ix.dels.slots {
		if id := int32(v &^ exactSlot); id < 0 || int(id) >= n {
			return nil, errCacheBroken
		}
	}
	if len(c.qStart) != len(k.entries)*len(k.files)+1 || c.qStart[0] != 0 ||
		int(c.qStart[len(c.qStart)-1]) != len(c.qTerms) {
		return nil, errCacheBroken
	}
	for i := 1; i < len(c.qStart); i++ {
		if c.qStart[i] < c.qStart[i-1] {
			return nil, errCacheBroken
		}
	}
	ix.qTerms, ix.qStart = make([]int32, len(c.qTerms)), c.qStart
	for i, id := range c.qTerms {
		if int(id) >= n {
			return nil, errCacheBroken
		}
		ix.qTerms[i] = int32(id)
	}
	ix.derive(k)
	k.idx = ix
	m, err := raw.model(dec)
	if err != nil {
		return nil, err
	}
	k.urgentReady = func() *classify.Model { return m }
	if k.urgent, err = raw.urgent(dec); err != nil {
		return nil, err
	}
	return k, nil
}

func (cl *cacheLang) langFile() (*langFile, error) {
	f := &langFile{file: cl.File, humanReviewed: cl.HumanReviewed, order: cl.Order}
	m := len(cl.Order)
	if len(cl.ends) != 3*m || len(cl.reviewed) != m || len(cl.textFile) != m {
		return nil, errCacheBroken
	}
	var start uint32
	broken := false
	next := func() string {
		end := cl.ends[0]
		cl.ends = cl.ends[1:]
		if end < start || int(end) > len(cl.text) {
			end, broken = start, true
		}
		s := cl.text[start:end]
		start = end
		return s
	}
	for i, id := range cl.Order {
		t := langText{question: next(), answer: next(), phrases: phraseList{next()},
			humanReviewed: cl.reviewed[i], file: cl.File}
		if !t.phrases.valid() {
			return nil, errCacheBroken
		}
		if j := int(cl.textFile[i]); j > 0 {
			if j > len(cl.TextFiles) {
				return nil, errCacheBroken
			}
			t.file = cl.TextFiles[j-1]
		}
		f.texts.set(id, t)
	}
	if broken || int(start) != len(cl.text) {
		return nil, errCacheBroken
	}
	f.texts.freeze()
	return f, nil
}
