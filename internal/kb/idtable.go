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
type idTable struct {
	keys   string   // the keys in ascending order, back to back
	keyEnd []uint32 // key i is keys[keyEnd[i-1]:keyEnd[i]]
	ids    idLists  // key i's ids
	// slots is open addressing at most half full: the high half of a
	// key's hash and its index + 1; 0 is empty.
	slots []uint64
	shift uint // 64 − log2(len(slots))
}

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
	t.slots = make([]uint64, size)
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	for i := range keyEnd {
		h := fnv64(t.key(i))
		j := t.slot(h)
		for t.slots[j] != 0 {
			j = (j + 1) & (len(t.slots) - 1)
		}
		t.slots[j] = h&^0xffffffff | uint64(i+1)
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
func (t *idTable) get(key string) []int32 { return getIDs(t, key) }

// getBytes is get for a key being built in a buffer.
func (t *idTable) getBytes(key []byte) []int32 { return getIDs(t, key) }

func getIDs[S ~string | ~[]byte](t *idTable, key S) []int32 {
	if len(t.slots) == 0 {
		return nil
	}
	h := fnv64(key)
	for j := t.slot(h); ; j = (j + 1) & (len(t.slots) - 1) {
		v := t.slots[j]
		if v == 0 {
			return nil
		}
		if v&^0xffffffff == h&^0xffffffff {
			if i := int(uint32(v)) - 1; t.key(i) == string(key) {
				return t.ids.at(i)
			}
		}
	}
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
