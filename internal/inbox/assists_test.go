package inbox

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

func TestParseTags(t *testing.T) {
	cases := map[string][]string{
		"refund, Shipping  returns": {"refund", "shipping", "returns"},
		"#Refund,refund,,REFUND":    {"refund"},
		"  ":                        nil,
	}
	for in, want := range cases {
		if got := ParseTags(in); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseTags(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckArticle(t *testing.T) {
	ok, err := CheckArticle(store.KBArticle{Title: "  Refund   policy ", URL: " https://help.acme.com/refunds ", Tags: []string{"Refund", "money refund"}})
	if err != nil || ok.Title != "Refund policy" || ok.URL != "https://help.acme.com/refunds" || !reflect.DeepEqual(ok.Tags, []string{"refund", "money"}) {
		t.Fatalf("normalised: %+v %v", ok, err)
	}
	bad := []struct {
		a     store.KBArticle
		field string
	}{
		{store.KBArticle{URL: "https://a.example"}, "title"},
		{store.KBArticle{Title: "x"}, "url"},
		{store.KBArticle{Title: "x", URL: "javascript:alert(1)"}, "url"},
		{store.KBArticle{Title: "x", URL: "data:text/html,<script>"}, "url"},
		{store.KBArticle{Title: "x", URL: "/relative/path"}, "url"},
		{store.KBArticle{Title: "x", URL: "https://a.example/with space"}, "url"},
		{store.KBArticle{Title: strings.Repeat("t", MaxArticleTitle+1), URL: "https://a.example"}, "title"},
		{store.KBArticle{Title: "x", URL: "https://a.example", Tags: strings.Fields(strings.Repeat("a b c d e f g h i j k l m n o p q r s t u ", 1))}, "tags"},
		{store.KBArticle{Title: "x", URL: "https://a.example", Tags: []string{strings.Repeat("t", MaxTagLen+1)}}, "tags"},
	}
	for _, b := range bad {
		_, err := CheckArticle(b.a)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != b.field {
			t.Errorf("%+v: got %v, want an error on %s", b.a, err, b.field)
		}
	}
}

func TestCheckWord(t *testing.T) {
	if w, err := CheckWord("  Acme   Pay "); err != nil || w != "Acme Pay" {
		t.Fatalf("got %q %v", w, err)
	}
	for _, bad := range []string{"", "   ", "1234", "a\x00b", strings.Repeat("a", MaxWordLen+1), "\xff\xfe"} {
		if _, err := CheckWord(bad); err == nil {
			t.Errorf("CheckWord(%q) accepted", bad)
		}
	}
}

func TestMatchAssist(t *testing.T) {
	cases := []struct {
		q, title, text string
		tags           []string
		rank           int
		ok             bool
	}{
		{"ref", "Refund policy", "", nil, 0, true},
		{"REF pol", "Refund policy", "", nil, 0, true},
		{"rück", "Rückgabe", "", nil, 0, true},
		{"ruck", "Rückgabe", "", nil, 0, true},
		{"money", "Refund policy", "", []string{"money"}, 1, true},
		{"ref days", "Refund", "within 14 days", nil, 2, true},
		{"und", "Refund", "", nil, 0, false}, // a prefix of a word, not any substring
		{"ref ship", "Refund", "", nil, 0, false},
		{"", "anything", "", nil, 0, true},
	}
	for _, c := range cases {
		rank, ok := matchAssist(searchWords(c.q), c.title, c.tags, c.text)
		if ok != c.ok || (ok && rank != c.rank) {
			t.Errorf("%q in %q/%q/%q: rank %d ok %v, want %d %v", c.q, c.title, c.tags, c.text, rank, ok, c.rank, c.ok)
		}
	}
}

// FuzzAssistInput feeds hostile text to the parsers of what admins and
// agents type: tags, article fields, words and search queries.
func FuzzAssistInput(f *testing.F) {
	for _, s := range []string{"refund, shipping", "#a,,b", "HTTP://A.example", " https://a.example/x ", "https://help.acme.com/x?y=1#z", "javascript:alert(1)", "Rückgabe", "\xff", strings.Repeat("a,", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tag := range ParseTags(s) {
			if tag == "" || strings.ContainsAny(tag, ", \t\n") || tag != strings.ToLower(tag) {
				t.Fatalf("tag %q from %q", tag, s)
			}
		}
		if a, err := CheckArticle(store.KBArticle{Title: s, URL: s, Tags: []string{s}}); err == nil {
			if u := strings.ToLower(a.URL); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Fatalf("accepted URL %q", a.URL)
			}
		}
		if w, err := CheckWord(s); err == nil && (!utf8.ValidString(w) || utf8.RuneCountInString(w) > MaxWordLen) {
			t.Fatalf("accepted word %q", w)
		}
		matchAssist(searchWords(s), s, []string{s}, s)
	})
}

func TestPrivateThread(t *testing.T) {
	cases := []struct {
		typ, ext, thread, want string
	}{
		{"x", "2244994945", "1790000000000000000", "dm:2244994945"},
		{"instagram", "17841400000000001", "igcomment:1789", "igsid:17841400000000001"},
		{"instagram", "unknown:1789", "igcomment:1789", "moved:igcomment:1789"},
		{"facebook", "6543", "comment:1_2", "moved:comment:1_2"},
		{"api", "u-1", "t-1", "moved:t-1"},
	}
	for _, c := range cases {
		got := privateThread(model.Conversation{ChannelType: c.typ, ThreadID: c.thread}, model.Identity{ExternalID: c.ext})
		if got != c.want {
			t.Errorf("%s %s: %q, want %q", c.typ, c.ext, got, c.want)
		}
	}
}

// An inserted article counts as the platform counts it: on X the address is
// 23 characters whatever its length, so a long help-centre URL still fits.
func TestArticleLinkLength(t *testing.T) {
	a := store.KBArticle{Title: "Refund policy", URL: "https://help.acme.com/articles/refunds-and-returns-for-orders-placed-online-or-in-store?utm_source=care"}
	link := ArticleLink(a)
	if n, _ := compose.Length(link, "x", 280); n != len("Refund policy: ")+23 {
		t.Fatalf("X counts %d for %q", n, link)
	}
	if n, _ := compose.Length(link, "facebook", 8000); n != utf8.RuneCountInString(link) {
		t.Fatalf("Facebook counts %d for %q", n, link)
	}
}

// BenchmarkMatchAssists is the `/` search's matching over a large workspace:
// 500 saved replies and 500 articles, a two-word query.
func BenchmarkMatchAssists(b *testing.B) {
	type item struct {
		title, text string
		tags        []string
	}
	var items []item
	for i := range 500 {
		items = append(items, item{title: fmt.Sprintf("Refund case %d", i), tags: []string{"billing", "money"},
			text: strings.Repeat("We are sorry about the delay with your parcel; the courier confirms delivery tomorrow. ", 3)})
		items = append(items, item{title: fmt.Sprintf("Help article %d about returns", i), tags: []string{"returns"}})
	}
	q := searchWords("ret cour")
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			matchAssist(q, it.title, it.tags, it.text)
		}
	}
}

func TestCanMovePrivate(t *testing.T) {
	reg := channel.NewRegistry(apichannel.New(nil))
	cases := []struct {
		reg  Registry
		conv model.Conversation
		want bool
	}{
		{reg, model.Conversation{ChannelType: model.ChannelAPI, Public: true}, true},
		{reg, model.Conversation{ChannelType: model.ChannelAPI, Public: false}, false}, // already private
		{reg, model.Conversation{ChannelType: "unknown", Public: true}, false},         // no connector: offer nothing
		{nil, model.Conversation{ChannelType: model.ChannelAPI, Public: true}, false},
	}
	for _, c := range cases {
		if got := CanMovePrivate(c.reg, c.conv); got != c.want {
			t.Errorf("%+v: %v, want %v", c.conv, got, c.want)
		}
	}
}
