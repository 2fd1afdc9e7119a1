package compose

import (
	"fmt"
	"strings"
	"testing"
)

func TestLengthCount(t *testing.T) {
	cases := []struct {
		text, channel string
		want          int
	}{
		{"hello", "x", 5},
		{"héllo wörld", "x", 11},
		{"see https://example.com/a/very/long/path/that/goes/on?and=on&on=on", "x", 4 + 23},
		{"acme.com/help and www.acme.io", "x", 23 + 5 + 23},
		{"日本語", "x", 6},
		{"😀", "x", 2},
		{"👩‍👩‍👧‍👦", "x", 2},
		{"👍🏽", "x", 2},
		{"🇫🇷", "x", 2},
		{"1️⃣", "x", 2},
		{"❤️", "x", 2},
		{"– “quotes” —", "x", 12},
		{"https://example.com/long/path", "mastodon", 23},
		{"https://example.com/long/path", "facebook", 29},
		{"日本語😀", "facebook", 4},
		{"\xff\xfe", "x", 4},
	}
	for _, tc := range cases {
		if got, _ := Length(tc.text, tc.channel, 0); got != tc.want {
			t.Errorf("Length(%q, %s) = %d, want %d", tc.text, tc.channel, got, tc.want)
		}
	}
}

func TestLengthCheck(t *testing.T) {
	c, _ := New(Options{FS: emptyFS})
	long := strings.Repeat("a", 270) + " https://acme.com/some/long/tracking/page ok"
	cases := []struct {
		name string
		in   Input
		want []string // flagged text→fix | message fragment
	}{
		{name: "fits with a link", in: Input{Text: strings.Repeat("a", 250) + " https://acme.com/" + strings.Repeat("x", 100), ChannelType: "x", MaxLength: 280}},
		{name: "over by the link", in: Input{Text: long, ChannelType: "x", MaxLength: 280},
			want: []string{"https://acme.com/some/long/tracking/page ok|297/280 characters: 17 over the limit of X."}},
		{name: "no limit", in: Input{Text: long, ChannelType: "x"}},
		{name: "CJK counts double", in: Input{Text: strings.Repeat("日", 141), ChannelType: "x", MaxLength: 280},
			want: []string{"日|282/280 characters: 2 over the limit of X."}},
		{name: "other channel counts characters", in: Input{Text: strings.Repeat("日", 141), ChannelType: "facebook", MaxLength: 280}},
		{name: "markdown on X", in: Input{Text: "This is **important**, see [our page](https://acme.com/p).", ChannelType: "x"},
			want: []string{"**important**→important|X shows Markdown as typed: **bold** will appear with its marks.",
				"[our page](https://acme.com/p)→our page https://acme.com/p|X shows Markdown as typed: [link](url) will appear with its marks."}},
		{name: "markdown elsewhere is fine", in: Input{Text: "This is **important**.", ChannelType: "webchat"}},
		{name: "single asterisks are fine", in: Input{Text: "This is *really* good.", ChannelType: "instagram"}},
		{name: "heading and code", in: Input{Text: "# Steps\nRun `reset` now.", ChannelType: "facebook"},
			want: []string{"# →|Facebook shows Markdown as typed: # headings will appear with its marks.",
				"`reset`→reset|Facebook shows Markdown as typed: `code` will appear with its marks."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, w := range run1(c, tc.in, CheckLength) {
				s := tc.in.Text[w.Start:w.End]
				if w.Fix != "" || strings.Contains(w.Message, "Markdown") {
					s += "→" + w.Fix
				}
				got = append(got, s+"|"+w.Message)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}
