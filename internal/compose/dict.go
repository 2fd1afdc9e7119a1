package compose

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/client9/gospell"
)

// embedded holds dict/<lang>.aff and dict/<lang>.dic, copied from the npm dictionary-*
// packages by the Makefile (they are third-party and not committed; see dict/README.md).
//
//go:embed all:dict
var embedded embed.FS

const (
	// maxCache bounds the per-dictionary cache of spell results (cleared when full).
	maxCache = 50_000
	// reloadAfter is the number of distinct lookups after which a dictionary is reloaded:
	// gospell expands affixes lazily and keeps every word it was asked about, so a
	// long-running server would otherwise grow without bound.
	reloadAfter = 100_000
	// maxFixes bounds the per-dictionary cache of suggested fixes.
	maxFixes = 10_000
)

// dictionary is one Hunspell dictionary. gospell mutates its lazy caches inside Spell, so
// every call into it holds mu.
type dictionary struct {
	lang    string
	fsys    fs.FS
	aff     string
	dic     string
	once    sync.Once
	loadErr error

	mu          sync.Mutex
	gs          *gospell.GoSpell
	hints       affHints
	cache       map[string]bool
	fixes       map[string]string
	misses      int
	reloadAfter int
	reloading   bool
	reloads     int
}

// findDictionaries lists the <lang>.aff/<lang>.dic pairs in fsys, limited to langs if given.
func findDictionaries(fsys fs.FS, langs []string) (map[string]*dictionary, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("compose: dictionaries: %w", err)
	}
	want := map[string]bool{}
	for _, l := range langs {
		want[strings.ToLower(strings.ReplaceAll(l, "_", "-"))] = true
	}
	out := map[string]*dictionary{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".aff" {
			continue
		}
		lang := strings.ToLower(strings.TrimSuffix(name, ".aff"))
		dic := strings.TrimSuffix(name, ".aff") + ".dic"
		if _, err := fs.Stat(fsys, dic); err != nil {
			continue
		}
		if len(want) > 0 && !want[lang] {
			continue
		}
		out[lang] = &dictionary{lang: lang, fsys: fsys, aff: name, dic: dic, reloadAfter: reloadAfter}
	}
	return out, nil
}

// preload loads every dictionary in parallel.
func (c *Checker) preload() error {
	var wg sync.WaitGroup
	for _, d := range c.dicts {
		wg.Go(func() { d.load() })
	}
	wg.Wait()
	var errs []error
	for _, d := range c.dicts {
		if d.loadErr != nil {
			errs = append(errs, d.loadErr)
		}
	}
	return errors.Join(errs...)
}

// load reads the dictionary once; later calls return at once.
func (d *dictionary) load() bool {
	d.once.Do(func() {
		gs, hints, err := d.read()
		d.mu.Lock()
		defer d.mu.Unlock()
		d.gs, d.hints, d.loadErr = gs, hints, err
		d.cache = map[string]bool{}
		d.fixes = map[string]string{}
	})
	return d.loadErr == nil
}

func (d *dictionary) read() (*gospell.GoSpell, affHints, error) {
	aff, err := fs.ReadFile(d.fsys, d.aff)
	if err != nil {
		return nil, affHints{}, fmt.Errorf("compose: dictionary %s: %w", d.lang, err)
	}
	dic, err := fs.ReadFile(d.fsys, d.dic)
	if err != nil {
		return nil, affHints{}, fmt.Errorf("compose: dictionary %s: %w", d.lang, err)
	}
	gs, err := gospell.NewGoSpellReader(bytes.NewReader(aff), bytes.NewReader(dic))
	if err != nil {
		return nil, affHints{}, fmt.Errorf("compose: dictionary %s: %w", d.lang, err)
	}
	return gs, parseHints(aff), nil
}

// usable reports whether the dictionary is loaded or not yet tried.
func (d *dictionary) usable() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.loadErr == nil
}

// affHints are the .aff lines that guide suggestions: TRY (letters by frequency), REP
// (common misspellings) and MAP (related characters, such as a letter and its accented forms).
type affHints struct {
	try  []rune
	rep  [][2]string
	maps [][]rune
}

func parseHints(aff []byte) affHints {
	var h affHints
	sc := bufio.NewScanner(bytes.NewReader(aff))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "TRY":
			for _, r := range f[1] {
				if unicode.IsLower(r) && !slices.Contains(h.try, r) {
					h.try = append(h.try, r)
				}
			}
		case len(f) >= 3 && f[0] == "REP":
			from, to := strings.ReplaceAll(f[1], "_", " "), strings.ReplaceAll(f[2], "_", " ")
			if strings.ToLower(from) == from && !strings.ContainsAny(from, "^$") && !strings.ContainsAny(to, "^$") {
				h.rep = append(h.rep, [2]string{from, to})
			}
		case len(f) == 2 && f[0] == "MAP" && utf8.RuneCountInString(f[1]) > 1:
			var group []rune
			for _, r := range f[1] {
				if unicode.IsLower(r) && !slices.Contains(group, r) {
					group = append(group, r)
				}
			}
			if len(group) > 1 {
				h.maps = append(h.maps, group)
			}
		}
	}
	if len(h.try) == 0 {
		h.try = []rune("esianrtolcdugmphbyfvkwz")
	}
	return h
}

// spell reports whether word is spelled right. A word the library cannot handle counts as
// right: a spelling check must never take a reply down.
func (d *dictionary) spell(word string) (ok bool) {
	if !d.load() {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok, hit := d.cache[word]; hit {
		return ok
	}
	defer func() {
		if recover() != nil {
			ok = true
		}
	}()
	ok = d.gs.Spell(word)
	if len(d.cache) >= maxCache {
		clear(d.cache)
	}
	d.cache[word] = ok
	d.misses++
	if d.misses >= d.reloadAfter && !d.reloading {
		d.reloading = true
		go d.reload()
	}
	return ok
}

// reload replaces the gospell instance by a fresh one, dropping its lazy caches.
func (d *dictionary) reload() {
	gs, _, err := d.read()
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil {
		d.gs = gs
		d.reloads++
	}
	d.misses = 0
	d.reloading = false
}

// maxFixLookups bounds the candidate words tried for one fix.
const maxFixLookups = 400

// fix returns a dictionary word close to word, or "". It keeps the word's capitalisation.
//
// It tries, in Hunspell's spirit, the .aff REP and MAP replacements, swapped neighbours and a
// doubled or undoubled letter (the first that is a word wins), then single edits with the
// vowels and the .aff TRY letters (the hit sharing most letter pairs with the word wins). gospell's own suggester was measured at 2–25 ms a word in English and 0.4–4 s in
// French or Spanish, far over the composer's budget; this search costs at most
// maxFixLookups lookups, each cached.
func (d *dictionary) fix(word string) string {
	if !d.load() {
		return ""
	}
	d.mu.Lock()
	f, hit := d.fixes[word]
	hints := d.hints
	d.mu.Unlock()
	if hit {
		return f
	}
	f = d.searchFix(word, &hints)
	d.mu.Lock()
	if len(d.fixes) >= maxFixes {
		clear(d.fixes)
	}
	d.fixes[word] = f
	d.mu.Unlock()
	return f
}

func (d *dictionary) searchFix(word string, h *affHints) string {
	title := isCapitalized(word)
	lw := strings.ToLower(word)
	w := []rune(lw)
	n := len(w)
	if n < 3 || n > 24 {
		return ""
	}
	lookups := 0
	seen := map[string]bool{lw: true}
	test := func(c string) string {
		if lookups >= maxFixLookups || seen[c] {
			return ""
		}
		seen[c] = true
		lookups++
		if title {
			r, size := utf8.DecodeRuneInString(c)
			c = string(unicode.ToUpper(r)) + c[size:]
		}
		if d.spell(c) {
			return c
		}
		return ""
	}
	edit := func(i, drop int, insert ...rune) string {
		out := make([]rune, 0, n+len(insert))
		out = append(append(append(out, w[:i]...), insert...), w[i+drop:]...)
		return string(out)
	}

	// The likeliest slips: the first hit wins.
	for _, r := range h.rep {
		for i := 0; ; {
			j := strings.Index(lw[i:], r[0])
			if j < 0 {
				break
			}
			j += i
			if f := test(lw[:j] + r[1] + lw[j+len(r[0]):]); f != "" {
				return f
			}
			i = j + 1
		}
	}
	for i, c := range w {
		for _, g := range h.maps {
			if !slices.Contains(g, c) {
				continue
			}
			for _, o := range g {
				if o != c {
					if f := test(edit(i, 1, o)); f != "" {
						return f
					}
				}
			}
		}
	}
	for i := 0; i+1 < n; i++ {
		if w[i] != w[i+1] {
			if f := test(edit(i, 2, w[i+1], w[i])); f != "" {
				return f
			}
		}
	}
	for i := 0; i+1 < n; i++ {
		if w[i] == w[i+1] {
			if f := test(edit(i, 1)); f != "" {
				return f
			}
		}
	}
	for i := 0; i < n; i++ {
		if unicode.IsLetter(w[i]) && (i+1 >= n || w[i] != w[i+1]) {
			if f := test(edit(i, 0, w[i])); f != "" {
				return f
			}
		}
	}

	// Single edits: rank the hits.
	letters := slices.Clone(h.try[:min(len(h.try), 12)])
	for _, v := range "aeiou" {
		if !slices.Contains(letters, v) {
			letters = append(letters, v)
		}
	}
	var hits []string
	add := func(c string) {
		if f := test(c); f != "" {
			hits = append(hits, f)
		}
	}
	for i := 0; i < n; i++ {
		for _, l := range letters {
			if l != w[i] {
				add(edit(i, 1, l)) // a wrong letter
			}
		}
	}
	for i := 0; i < n; i++ {
		add(edit(i, 1)) // an extra letter
	}
	for i := 1; i <= n; i++ {
		for _, l := range letters {
			add(edit(i, 0, l)) // a missing letter
		}
	}
	if len(hits) == 0 {
		return ""
	}
	// Rank by shared letter pairs (as Hunspell's n-gram scoring does), then by the common
	// start, then by equal length.
	pairs := func(rs []rune) map[[2]rune]int {
		m := map[[2]rune]int{}
		prev := '^'
		for _, r := range append(rs, '$') {
			m[[2]rune{prev, r}]++
			prev = r
		}
		return m
	}
	wp := pairs(w)
	score := func(c string) int {
		cr := []rune(strings.ToLower(c))
		s := 0
		for p, k := range pairs(cr) {
			s += 10 * min(k, wp[p])
		}
		for i := 0; i < min(len(cr), n) && cr[i] == w[i]; i++ {
			s++
		}
		if len(cr) == n {
			s += 5
		}
		return s
	}
	best := hits[0]
	for _, c := range hits[1:] {
		if score(c) > score(best) {
			best = c
		}
	}
	return best
}
