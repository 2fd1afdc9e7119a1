package listen

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		text string
		seq  string // words and @mentions, space-separated
		tags string
		link bool
	}{
		{"Hello, World!", "hello world", "", false},
		{"Apple's iPhone", "apple s iphone", "", false},
		{"don’t panic", "don t panic", "", false},
		{"Café CRÈME brûlée", "cafe creme brulee", "", false},
		{"cafe\u0301", "cafe", "", false},
		{"Straße ǅ ﬁne", "strasse dz fine", "", false},
		{"ＡＢＣ１２３", "abc123", "", false},
		{"ΆΘΗΝΑ Москва Йога", "αθηνα москва иога", "", false},
		{"delay😡😡refund", "delay refund", "", false},
		{"👩‍👩‍👧 ok👍🏽 1️⃣", "ok 1", "", false},
		{"\uFE0F alone", "alone", "", false},
		{"東京駅で", "東 京 駅 で", "", false},
		{"ソニーのテレビ", "ソニー の テレビ", "", false},
		{"서울 날씨", "서울 날씨", "", false},
		{"नमस्ते दुनिया", "नमस्ते दुनिया", "", false},
		{"#iOS11 rocks", "ios11 rocks", "#ios11", false},
		{"#東京 旅行", "東 京 旅 行", "#東京", false},
		{"a#b", "a b", "", false},
		{"# alone", "alone", "", false},
		{"@AppleSupport help", "@applesupport help", "", false},
		{"mail jane@example.com", "mail jane example com", "", false},
		{"see https://t.co/AbC123 now", "see now", "", true},
		{"WWW.Example.com/refund", "", "", true},
		{"thehttps://x", "thehttps x", "", false},
		{"uber_support under_score", "uber_support under_score", "", false},
		{"3.5 stars, 100%", "3 5 stars 100", "", false},
		{"\xff\xfeapple\xc3", "apple", "", false},
		{"", "", "", false},
	} {
		tk := newTokenizer()
		tk.tokenize(tc.text)
		var seq, tags []string
		for _, k := range tk.seq {
			seq = append(seq, string(tk.text(k)))
		}
		for _, k := range tk.tags {
			tags = append(tags, string(tk.text(k)))
		}
		if got := strings.Join(seq, " "); got != tc.seq {
			t.Errorf("tokenize(%q) words = %q, want %q", tc.text, got, tc.seq)
		}
		if got := strings.Join(tags, " "); got != tc.tags {
			t.Errorf("tokenize(%q) tags = %q, want %q", tc.text, got, tc.tags)
		}
		if tk.hasLink != tc.link {
			t.Errorf("tokenize(%q) hasLink = %v", tc.text, tk.hasLink)
		}
	}
}

func TestTokenPositions(t *testing.T) {
	tk := newTokenizer()
	tk.tokenize("@delta my #lost bag")
	var pos []int32
	for _, k := range tk.seq {
		pos = append(pos, k.pos)
	}
	if !reflect.DeepEqual(pos, []int32{0, 1, 2, 3}) || tk.tags[0].pos != 2 {
		t.Fatalf("positions %v, tag at %d", pos, tk.tags[0].pos)
	}
}

// TestFoldFastMatchesSlow checks that the table-driven fast path folds every
// word exactly as the x/text pipeline does: random words over the table's
// letters, CJK, kana and Hangul, with marks mixed in.
func TestFoldFastMatchesSlow(t *testing.T) {
	var alphabet []rune
	for r := rune(0x20); r < 0x530; r++ {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) {
			alphabet = append(alphabet, r)
		}
	}
	for _, r := range "東京駅ざさソニーー서울\u3099\u309Aのテ" {
		alphabet = append(alphabet, r)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	tk := newTokenizer()
	fast := 0
	for range 20000 {
		var b strings.Builder
		for range 1 + rnd.IntN(6) {
			b.WriteRune(alphabet[rnd.IntN(len(alphabet))])
		}
		w := b.String()
		got, ok := foldFast(nil, w)
		if !ok {
			continue
		}
		fast++
		if want := tk.foldSlow(nil, w); string(got) != string(want) {
			t.Fatalf("fold(%q): fast %q, slow %q", w, got, want)
		}
	}
	if fast < 5000 {
		t.Fatalf("fast path taken only %d times", fast)
	}
}

func TestWithin1(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"amazon", "amazon", true},
		{"amazon", "amazn", true},
		{"amazon", "amazoon", true},
		{"amazon", "amazom", true},
		{"amazon", "amzaon", true},
		{"amazon", "maazon", true},
		{"amazon", "amazno", true},
		{"amazon", "amzon", true},
		{"amazon", "xamazon", true},
		{"amazon", "amazonx", true},
		{"amazon", "amzn", false},
		{"amazon", "mazaon", false},
		{"amazon", "amozan", false},
		{"amazon", "ammazoon", false},
		{"müller", "muller", true},
		{"abcde", "badce", false},
	} {
		if got := within1([]rune(tc.a), []rune(tc.b)); got != tc.want {
			t.Errorf("within1(%q, %q) = %v", tc.a, tc.b, got)
		}
		if got := within1([]rune(tc.b), []rune(tc.a)); got != tc.want {
			t.Errorf("within1(%q, %q) = %v (swapped)", tc.b, tc.a, got)
		}
	}
}
