package listen

// Misspelling tolerance (~term) with a symmetric deletion index, the idea
// behind SymSpell: two words are within one edit (insertion, deletion,
// substitution or transposition of neighbours, i.e. Damerau distance 1) only
// if deleting at most one character from each makes them equal. So the index
// holds, for every ~term, the hash of the term and of each of its 1-deletions;
// a post word probes the hash of itself and of each of its 1-deletions. That
// is len+1 probes per word instead of generating hundreds of edits per term,
// and candidates are then verified exactly by within1, which also discards the
// few distance-2 pairs (and hash collisions) that the deletion test lets
// through.

// fuzzyIndex is immutable once built.
type fuzzyIndex struct {
	terms  [][]rune // per entry, the folded term
	atoms  []int32  // per entry, its atom
	minLen int      // rune lengths of the shortest and longest term
	maxLen int
	pow    []uint64          // hashMul^k for k up to maxLen+1
	post   map[uint64]uint64 // key → offset<<32 | count into entries
	list   []int32           // posting lists (entry indices)
	bloom  []uint64          // one bit per key: most probes stop here
	mask   uint64            // bloom size - 1, in bits
}

const hashMul = 0x9E3779B97F4A7C15 // odd, so multiplication mod 2^64 is a bijection

// mix finalises a polynomial hash with the string length (splitmix64), so
// that probes of different lengths spread over the table.
func mix(h uint64, n int) uint64 {
	h += uint64(n) * 0x632BE59BD9B4E019
	h ^= h >> 30
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 27
	h *= 0x94D049BB133111EB
	return h ^ h>>31
}

// fuzzyHasher holds per-goroutine buffers for deletion hashes.
type fuzzyHasher struct {
	pre, suf []uint64
	keys     []uint64
}

// deletionKeys returns the hash of rs and of every distinct 1-deletion of
// it (deleting either letter of a doubled pair gives the same word, so only
// the first is kept).
func (h *fuzzyHasher) deletionKeys(rs []rune, pow []uint64) []uint64 {
	n := len(rs)
	h.pre = grow(h.pre, n+1)
	h.suf = grow(h.suf, n+1)
	h.pre[0] = 0
	for i, r := range rs {
		h.pre[i+1] = h.pre[i]*hashMul + uint64(r) + 1
	}
	h.suf[n] = 0
	for i := n - 1; i >= 0; i-- {
		h.suf[i] = (uint64(rs[i])+1)*pow[n-1-i] + h.suf[i+1]
	}
	h.keys = append(h.keys[:0], mix(h.pre[n], n))
	for i := range rs {
		if i > 0 && rs[i] == rs[i-1] {
			continue
		}
		h.keys = append(h.keys, mix(h.pre[i]*pow[n-1-i]+h.suf[i+1], n-1))
	}
	return h.keys
}

func grow(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

// buildFuzzy indexes the ~terms; atomOf[i] is the atom of terms[i].
func buildFuzzy(terms [][]rune, atomOf []int32) *fuzzyIndex {
	if len(terms) == 0 {
		return nil
	}
	f := &fuzzyIndex{terms: terms, atoms: atomOf, minLen: 1 << 30}
	for _, t := range terms {
		f.minLen = min(f.minLen, len(t))
		f.maxLen = max(f.maxLen, len(t))
	}
	f.pow = make([]uint64, f.maxLen+2)
	f.pow[0] = 1
	for i := 1; i < len(f.pow); i++ {
		f.pow[i] = f.pow[i-1] * hashMul
	}
	lists := make(map[uint64][]int32)
	var h fuzzyHasher
	nkeys := 0
	for i, t := range terms {
		for _, k := range h.deletionKeys(t, f.pow) {
			if l := lists[k]; len(l) == 0 || l[len(l)-1] != int32(i) {
				lists[k] = append(l, int32(i))
				nkeys++
			}
		}
	}
	// About 16 bits per key keeps false positives of the filter near 6%.
	bits := uint64(1024)
	for bits < uint64(nkeys)*16 {
		bits <<= 1
	}
	f.mask = bits - 1
	f.bloom = make([]uint64, bits/64)
	f.post = make(map[uint64]uint64, len(lists))
	f.list = make([]int32, 0, nkeys)
	for k, l := range lists {
		f.post[k] = uint64(len(f.list))<<32 | uint64(len(l))
		f.list = append(f.list, l...)
		b := k & f.mask
		f.bloom[b/64] |= 1 << (b % 64)
	}
	return f
}

// lookup calls fn for every ~term within one edit of rs.
func (f *fuzzyIndex) lookup(rs []rune, h *fuzzyHasher, seen *[]int32, fn func(atom int32)) {
	if len(rs) < f.minLen-1 || len(rs) > f.maxLen+1 {
		return
	}
	*seen = (*seen)[:0]
	for _, k := range h.deletionKeys(rs, f.pow) {
		b := k & f.mask
		if f.bloom[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		v, ok := f.post[k]
		if !ok {
			continue
		}
	entries:
		for _, e := range f.list[v>>32 : v>>32+v&0xFFFFFFFF] {
			for _, s := range *seen {
				if s == e {
					continue entries
				}
			}
			*seen = append(*seen, e)
			if within1(rs, f.terms[e]) {
				fn(f.atoms[e])
			}
		}
	}
}

// within1 reports whether the Damerau distance between a and b is at most 1.
// At distance 1 the restricted (optimal string alignment) and unrestricted
// Damerau distances agree, so this is exact for both.
func within1(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return true
		}
		if equalRunes(a[i+1:], b[i+1:]) { // substitution
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && equalRunes(a[i+2:], b[i+2:])
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return equalRunes(a[i+1:], b[i:]) // a has one extra rune at i
	}
	return false
}

func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
