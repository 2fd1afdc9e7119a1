// Package listen is the listening engine: it hears a brand in public posts
// where nobody tagged it, at firehose speed, before anything is stored.
//
// Every workspace writes listening rules in a small boolean language. All
// rules of all workspaces compile into one Matcher; a post is matched in
// memory against all of them at once, and only the matching posts go on into
// the pipeline.
//
// # The rule language
//
//	apple                 the whole word, after case and accent folding
//	"apple watch"         consecutive words (punctuation between them is ignored)
//	a b, a AND b          both (adjacent terms are ANDed)
//	a OR b                either
//	NOT a, -a             not (the - must touch its term: -jobs, -"stock price")
//	( … )                 grouping
//	#applewatch           the hashtag, as a whole
//	@applesupport         a mention of the handle in the text
//	from:jane             posts written by that handle
//	refund*               words starting with refund (at least 3 letters before *)
//	~amazon               words within one edit of amazon (5+ letters, see below)
//	lang:en               posts in that language (primary subtag: en matches en-GB)
//	has:link              posts with a URL
//	delay NEAR/3 refund   both, at most 3 words apart, in either order
//
// Precedence, loosest first: OR, then AND (explicit or implicit), then
// NEAR/n, then NOT and -. So "a b OR c" is (a AND b) OR c, as in Twitter's
// search API. Operators are upper case only; "and", "or", "not", "near" in
// lower case are ordinary words (quote them to search the upper-case words).
// NEAR/n takes words, phrases, wildcards, ~terms, hashtags and mentions, or
// an OR of them in parentheses; n counts from the end of one to the start of
// the other, so "delay NEAR/3 refund" holds for "delay on my refund".
//
// # Words
//
// Posts and rules are split into words by one tokenizer: a word is a run of
// letters, digits, combining marks and '_'. Everything else separates words:
// spaces, punctuation, apostrophes ("Apple's" is apple + s), emoji. Han and
// Hiragana characters are one word each, as in Unicode's default word
// boundaries (UAX #29); other scripts without spaces (Thai) are not
// segmented. URLs yield no words. A term that the tokenizer splits (t-mobile,
// AT&T) is matched as a phrase.
//
// Folding, on both sides: full Unicode case folding (Straße = strasse),
// compatibility forms (full-width ＡＢＣ = abc), and accents removed from
// Latin, Greek and Cyrillic letters (café = cafe); marks of other scripts
// carry meaning and are kept.
//
// A plain term also matches inside a hashtag (refund matches #refund), but
// #refund matches only the hashtag. Mentions are not words: apple does not
// match @apple; write @apple for that.
//
// # Misspellings
//
// ~term matches any word within Damerau distance 1 of the term (one letter
// inserted, deleted, replaced, or two neighbours swapped: amazon, amazn,
// amazom, amzaon). Only terms of 5 or more letters accept ~: at 4 letters one
// edit reaches too many other words.
//
// # Always-candidate rules
//
// A rule is evaluated for a post only when one of its "trigger" atoms occurs
// in it: for an AND, the least common branch (a language or has:link filter
// is assumed common); for an OR, all branches. A rule with no positive part
// at all ("-spam", "NOT lang:en") has no trigger and is evaluated for every
// post; Stats reports how many there are, since each costs a little on every
// post.
package listen
