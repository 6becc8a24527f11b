package kb

import (
	"iter"
	"maps"
	"slices"
)

// idTable maps words to lists of word ids: the urgent lists' lookup maps,
// frozen once the lists are complete. As Go maps of strings to slices
// they held 100,000 keys and two thirds of the heap the garbage collector
// scans on every cycle (8.7 of 13.5 MB), though they never change while
// the bot runs. Here the keys, the ids and the hash slots are flat arrays
// without pointers, which a collection does not read.
//
// A message's words are looked up some thirty times each, and in a live
// bot the tables are rarely still in the CPU's caches when the next
// message comes: what counts is how many places in memory a lookup reads
// one after the other. A slot holds a key's whole 64-bit hash and its
// ids, or where they are when there are more than two, so a lookup reads
// its slot and no more: the key is known by its hash alone (two words of
// the lists and a message's word share one with a chance of about one in
// 10^14 per message), and the keys are read only to list them (all).
type idTable struct {
	keys   string   // the keys in ascending order, back to back
	keyEnd []uint32 // key i is keys[keyEnd[i-1]:keyEnd[i]]
	ids    idLists  // key i's ids
	// slots is open addressing with linear probing, at most half full.
	slots []idSlot
	shift uint // 64 − log2(len(slots))
}

// idSlot is a key's hash and its ids: one id as {id, −1}, two as they
// are, more as {−1−from, to} in ids.ids. {0, 0} is an empty slot: a
// key's ids are distinct.
type idSlot struct {
	hash uint64
	ids  [2]int32
}

func (s *idSlot) empty() bool { return s.ids == [2]int32{} }

// idLists are lists of ids in one array: list i is ids[end[i-1]:end[i]].
type idLists struct {
	end []uint32
	ids []int32
}

func (l *idLists) at(i int) []int32 {
	if i < 0 || i >= len(l.end) {
		return nil
	}
	from := uint32(0)
	if i > 0 {
		from = l.end[i-1]
	}
	return l.ids[from:l.end[i]:l.end[i]]
}

// freezeIDs makes the table of m.
func freezeIDs(m map[string][]int32) idTable {
	keys := slices.Sorted(maps.Keys(m))
	var all []byte
	keyEnd := make([]uint32, len(keys))
	var lists idLists
	lists.end = make([]uint32, len(keys))
	for i, k := range keys {
		all = append(all, k...)
		keyEnd[i] = uint32(len(all))
		lists.ids = append(lists.ids, m[k]...)
		lists.end[i] = uint32(len(lists.ids))
	}
	return newIDTable(string(all), keyEnd, lists)
}

// newIDTable indexes keys (ascending, cut at keyEnd) with their ids.
func newIDTable(keys string, keyEnd []uint32, ids idLists) idTable {
	if len(keyEnd) == 0 {
		return idTable{} // the same however it was read or made
	}
	t := idTable{keys: keys, keyEnd: keyEnd, ids: ids}
	size := 16
	for size < 2*len(keyEnd) {
		size *= 2
	}
	t.slots = make([]idSlot, size)
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	for i := range keyEnd {
		h := fnv64(t.key(i))
		j := t.slot(h)
		for !t.slots[j].empty() {
			j = (j + 1) & (len(t.slots) - 1)
		}
		from := uint32(0)
		if i > 0 {
			from = ids.end[i-1]
		}
		sl := idSlot{hash: h}
		switch n := ids.end[i] - from; n {
		case 1:
			sl.ids = [2]int32{ids.ids[from], -1}
		case 2:
			sl.ids = [2]int32{ids.ids[from], ids.ids[from+1]}
		default:
			sl.ids = [2]int32{-1 - int32(from), int32(ids.end[i])}
		}
		t.slots[j] = sl
	}
	return t
}

// slot is where probing for hash h starts: the hash's high bits after a
// multiplication, since FNV's low bits mix only the inputs' low bits.
func (t *idTable) slot(h uint64) int { return int((h * 0x9e3779b97f4a7c15) >> t.shift) }

func (t *idTable) key(i int) string {
	from := uint32(0)
	if i > 0 {
		from = t.keyEnd[i-1]
	}
	return t.keys[from:t.keyEnd[i]]
}

func (t *idTable) len() int { return len(t.keyEnd) }

// get returns the ids of key, nil if it is not in the table.
func (t *idTable) get(key string) []int32 { return t.getHash(fnv64(key)) }

// getBytes is get for a key being built in a buffer.
func (t *idTable) getBytes(key []byte) []int32 { return t.getHash(fnv64(key)) }

// getHash is get for the key whose fnv64 is h: the key is known by its
// hash alone (see idTable).
func (t *idTable) getHash(h uint64) []int32 {
	if len(t.slots) == 0 {
		return nil
	}
	for j := t.slot(h); ; j = (j + 1) & (len(t.slots) - 1) {
		s := &t.slots[j]
		if s.empty() {
			return nil
		}
		if s.hash == h {
			switch {
			case s.ids[0] < 0:
				return t.ids.ids[-1-s.ids[0] : s.ids[1] : s.ids[1]]
			case s.ids[1] < 0:
				return s.ids[:1:1]
			}
			return s.ids[:2:2]
		}
	}
}

// touch reads the slot where probing for each hash of hs starts, in one
// loop without branches, and returns them mixed, for the caller to keep.
// The lookups that follow then find their slots in the CPU's caches.
func (t *idTable) touch(hs []uint64) uint64 {
	if len(t.slots) == 0 {
		return 0
	}
	var x uint64
	for _, h := range hs {
		x ^= t.slots[t.slot(h)].hash
	}
	return x
}

// all yields the keys in ascending order with their ids.
func (t *idTable) all() iter.Seq2[string, []int32] {
	return func(yield func(string, []int32) bool) {
		for i := range t.keyEnd {
			if !yield(t.key(i), t.ids.at(i)) {
				return
			}
		}
	}
}
