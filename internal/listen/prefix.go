package listen

import "sort"

// prefixTrie finds the wildcard terms (refund*) that a word starts with. A
// byte trie walked from the start of each word: most words leave it after a
// byte or two, so the cost does not grow with the number of wildcards.
type prefixTrie struct {
	root  [256]int32 // children of the root, by byte (0 = none): a direct table for the busiest node
	nodes []pnode
	edges []pedge
}

type pnode struct {
	atom int32 // wildcard ending here, or -1
	off  int32 // edges[off : off+n], sorted by byte
	n    int32
}

type pedge struct {
	b     byte
	child int32
}

// buildPrefixTrie builds the trie for the folded stems and their atoms.
func buildPrefixTrie(stems []string, atoms []int32) *prefixTrie {
	if len(stems) == 0 {
		return nil
	}
	// Build with maps, then freeze into sorted edge arrays.
	type tmp struct {
		atom int32
		kids map[byte]int32
	}
	nodes := []tmp{{atom: -1}}
	for i, s := range stems {
		cur := int32(0)
		for j := 0; j < len(s); j++ {
			if nodes[cur].kids == nil {
				nodes[cur].kids = make(map[byte]int32)
			}
			next, ok := nodes[cur].kids[s[j]]
			if !ok {
				next = int32(len(nodes))
				nodes = append(nodes, tmp{atom: -1})
				nodes[cur].kids[s[j]] = next
			}
			cur = next
		}
		nodes[cur].atom = atoms[i]
	}
	t := &prefixTrie{nodes: make([]pnode, len(nodes))}
	for i, n := range nodes {
		keys := make([]int, 0, len(n.kids))
		for k := range n.kids {
			keys = append(keys, int(k))
		}
		sort.Ints(keys)
		t.nodes[i] = pnode{atom: n.atom, off: int32(len(t.edges)), n: int32(len(keys))}
		for _, k := range keys {
			t.edges = append(t.edges, pedge{b: byte(k), child: n.kids[byte(k)]})
			if i == 0 {
				t.root[k] = n.kids[byte(k)]
			}
		}
	}
	return t
}

// walk calls fn with the atom of every stem that w starts with.
func (t *prefixTrie) walk(w []byte, fn func(atom int32)) {
	if len(w) == 0 {
		return
	}
	cur := t.root[w[0]]
	for i := 1; cur != 0; i++ {
		n := &t.nodes[cur]
		if n.atom >= 0 {
			fn(n.atom)
		}
		if i == len(w) || n.n == 0 {
			return
		}
		next := int32(0)
		for _, e := range t.edges[n.off : n.off+n.n] {
			if e.b == w[i] {
				next = e.child
				break
			}
			if e.b > w[i] {
				break
			}
		}
		cur = next
	}
}
