package compose

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// urlWeight is what a link counts on X and Mastodon, whatever its length (t.co wrapping).
const urlWeight = 23

// plainChannels show Markdown as typed.
var plainChannels = map[string]bool{
	"x": true, "twitter": true, "facebook": true, "instagram": true, "messenger": true,
	"whatsapp": true, "linkedin": true, "youtube": true, "tiktok": true, "threads": true,
	"bluesky": true, "mastodon": true, "sms": true, "google": true, "yelp": true,
	"trustpilot": true, "line": true, "viber": true, "wechat": true, "apple": true,
}

// Length counts the draft as the channel does: on X, twitter-text's weighting (a link is 23,
// most Latin, Greek, Cyrillic, Hebrew and Arabic characters 1, CJK and an emoji sequence 2);
// on Mastodon, characters with links as 23; elsewhere, characters. over is the byte offset at
// which the count first passes limit (len(text) when it never does).
func Length(text, channelType string, limit int) (n, over int) {
	ch := strings.ToLower(channelType)
	x := ch == "x" || ch == "twitter"
	var urls []span
	if x || ch == "mastodon" {
		// Links are looked for in the first MaxInput bytes: past that, a draft is far over
		// any limit and the count need not be exact.
		urls = urlSpans(truncateUTF8(text, MaxInput))
	}
	over = len(text)
	ui := 0
	for i := 0; i < len(text); {
		at := i
		if ui < len(urls) && i >= urls[ui].start {
			n += urlWeight
			i = urls[ui].end
			ui++
		} else if x {
			w, size := xWeight(text[i:])
			n += w
			i += size
		} else {
			_, size := utf8.DecodeRuneInString(text[i:])
			n++
			i += size
		}
		if limit > 0 && n > limit && over == len(text) {
			over = at // the character (or link) that crossed the limit
		}
	}
	return n, over
}

// xWeight returns the weight of the character or emoji sequence at the start of s and its
// size in bytes.
func xWeight(s string) (weight, size int) {
	r, size := utf8.DecodeRuneInString(s)
	if isEmojiStart(r, s[size:]) {
		rest := s[size:]
		if r >= 0x1F1E6 && r <= 0x1F1FF { // a flag is two regional indicators
			if r2, n := utf8.DecodeRuneInString(rest); r2 >= 0x1F1E6 && r2 <= 0x1F1FF {
				size += n
			}
			return 2, size
		}
		for len(rest) > 0 {
			r2, n := utf8.DecodeRuneInString(rest)
			switch {
			case r2 == 0xFE0F || r2 == 0xFE0E || r2 == 0x20E3 || (r2 >= 0x1F3FB && r2 <= 0x1F3FF) || (r2 >= 0xE0020 && r2 <= 0xE007F):
			case r2 == 0x200D:
				if r3, n3 := utf8.DecodeRuneInString(rest[n:]); isPictographic(r3) {
					n += n3
				}
			default:
				return 2, size
			}
			size += n
			rest = rest[n:]
		}
		return 2, size
	}
	if r <= 4351 || (r >= 8192 && r <= 8205) || (r >= 8208 && r <= 8223) || (r >= 8242 && r <= 8247) {
		return 1, size
	}
	return 2, size
}

func isPictographic(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2300 && r <= 0x23FF) ||
		(r >= 0x2B00 && r <= 0x2BFF) || r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299
}

// isEmojiStart reports whether r starts an emoji sequence: a pictograph, or a keycap base
// ("1️⃣") followed by the keycap marks.
func isEmojiStart(r rune, rest string) bool {
	if isPictographic(r) {
		return true
	}
	if (r >= '0' && r <= '9') || r == '#' || r == '*' {
		r2, n := utf8.DecodeRuneInString(rest)
		if r2 == 0xFE0F {
			r2, _ = utf8.DecodeRuneInString(rest[n:])
		}
		return r2 == 0x20E3
	}
	return false
}

var markdownRes = []struct {
	re   *regexp.Regexp
	what string
	fix  func(m []string) string
}{
	{regexp.MustCompile(`\*\*([^*\n]+)\*\*`), "**bold**", func(m []string) string { return m[1] }},
	{regexp.MustCompile(`__([^_\n]+)__`), "__bold__", func(m []string) string { return m[1] }},
	{regexp.MustCompile(`\[([^\]\n]+)\]\((\S+?)\)`), "[link](url)", func(m []string) string { return m[1] + " " + m[2] }},
	{regexp.MustCompile("```"), "``` code fences", func([]string) string { return "" }},
	{regexp.MustCompile("`([^`\n]+)`"), "`code`", func(m []string) string { return m[1] }},
	{regexp.MustCompile(`(?m)^#{1,6}\s+`), "# headings", func([]string) string { return "" }},
}

func (r *run) length() {
	text := r.in.Text
	if limit := r.in.MaxLength; limit > 0 {
		n, over := Length(text, r.in.ChannelType, limit)
		if n > limit {
			r.warn(over, len(text), "", "%d/%d characters: %d over the limit of %s.", n, limit, n-limit, channelLabel(r.in.ChannelType))
		}
	}
	if !plainChannels[strings.ToLower(r.in.ChannelType)] {
		return
	}
	found := 0
	for _, md := range markdownRes {
		for _, m := range md.re.FindAllStringSubmatchIndex(r.text, 4) {
			if found >= 6 {
				return
			}
			found++
			parts := make([]string, len(m)/2)
			for i := range parts {
				if m[2*i] >= 0 {
					parts[i] = r.text[m[2*i]:m[2*i+1]]
				}
			}
			r.warn(m[0], m[1], md.fix(parts), "%s shows Markdown as typed: %s will appear with its marks.", channelLabel(r.in.ChannelType), md.what)
		}
	}
}

func channelLabel(ch string) string {
	switch strings.ToLower(ch) {
	case "x", "twitter":
		return "X"
	case "":
		return "the channel"
	}
	return strings.ToUpper(ch[:1]) + ch[1:]
}
