package listen

import (
	"errors"
	"testing"
)

func TestParseValid(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{`apple`, `apple`},
		{`Apple`, `apple`},
		{`café`, `cafe`},
		{`apple iphone`, `(and apple iphone)`},
		{`apple AND iphone`, `(and apple iphone)`},
		{`apple OR iphone`, `(or apple iphone)`},
		{`a b OR c`, `(or (and a b) c)`},
		{`a OR b c`, `(or a (and b c))`},
		{`a (b OR c)`, `(and a (or b c))`},
		{`a AND b AND c`, `(and a b c)`},
		{`NOT spam`, `(not spam)`},
		{`-spam`, `(not spam)`},
		{`apple -pie -"apple pie"`, `(and apple (not pie) (not "apple pie"))`},
		{`apple -(pie OR tart)`, `(and apple (not (or pie tart)))`},
		{`NOT NOT apple`, `apple`},
		{`"customer service"`, `"customer service"`},
		{`"Apple"`, `apple`},
		{`"apple,   watch!"`, `"apple watch"`},
		{`"a AND b"`, `"a and b"`},
		{`t-mobile`, `"t mobile"`},
		{`AT&T`, `"at t"`},
		{`apple's`, `"apple s"`},
		{`#iOS11`, `#ios11`},
		{`#café`, `#cafe`},
		{`@AppleSupport`, `@applesupport`},
		{`from:AppleSupport`, `from:applesupport`},
		{`from:@jane`, `from:jane`},
		{`lang:EN`, `lang:en`},
		{`has:link`, `has:link`},
		{`HAS:LINK`, `has:link`},
		{`refund*`, `refund*`},
		{`Refünd*`, `refund*`},
		{`~amazon`, `~amazon`},
		{`~Amazón`, `~amazon`},
		{`delay NEAR/3 refund`, `(near/3 delay refund)`},
		{`delay NEAR/3 (refund OR "money back")`, `(near/3 delay (or refund "money back"))`},
		{`(late OR delay*) NEAR/2 ~united`, `(near/2 (or late delay*) ~united)`},
		{`#fail NEAR/5 @delta`, `(near/5 #fail @delta)`},
		{`a NEAR/1 b c`, `(and (near/1 a b) c)`},
		{`a NEAR/1 b AND c NEAR/2 d`, `(and (near/1 a b) (near/2 c d))`},
		{`and or not near`, `(and and or not near)`},
		{`東京`, `"東 京"`},
		{`ソニー`, `ソニー`},
		{`ＡＢＣ`, `abc`},
		{`Straße`, `strasse`},
		{`lang:en (apple OR ~samsung) -from:apple has:link`, `(and lang:en (or apple ~samsung) (not from:apple) has:link)`},
		{`  apple  `, `apple`},
		{`foo:bar`, `"foo bar"`},
	} {
		q, err := Parse(tc.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.query, err)
			continue
		}
		if got := q.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.query, got, tc.want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{``, `col 1: empty query`},
		{`   `, `col 1: empty query`},
		{`apple "iphone 15`, `col 7: unclosed quote`},
		{`"unclosed`, `col 1: unclosed quote`},
		{`(apple OR iphone`, `col 1: unclosed parenthesis`},
		{`apple)`, `col 6: unexpected ) without a matching (`},
		{`()`, `col 1: empty parentheses`},
		{`apple AND`, `col 7: AND needs a term after it, found end of query`},
		{`apple OR OR b`, `col 7: OR needs a term after it, found OR`},
		{`OR apple`, `col 1: OR needs a term before it`},
		{`apple (OR b)`, `col 8: OR needs a term before it`},
		{`NOT`, `col 1: NOT needs a term after it, found end of query`},
		{`apple - pie`, `col 7: '-' must be followed directly by the term it excludes, as in -jobs`},
		{`apple -`, `col 7: '-' must be followed directly by the term it excludes, as in -jobs`},
		{`delay NEAR refund`, `col 7: NEAR needs a distance in words, as in NEAR/3`},
		{`delay NEAR/0 refund`, `col 7: NEAR/n needs a whole number of words from 1 to 100, got "0"`},
		{`delay NEAR/x refund`, `col 7: NEAR/n needs a whole number of words from 1 to 100, got "x"`},
		{`delay NEAR/3`, `col 7: NEAR/3 needs a term after it, found end of query`},
		{`a NEAR/2 b NEAR/3 c`, `col 12: NEAR cannot be chained; join NEAR pairs with AND`},
		{`a NEAR/2 -b`, `col 10: NEAR works on words, phrases, wildcards, ~terms, #tags and @handles, or an OR of them`},
		{`lang:en NEAR/2 b`, `col 9: NEAR works on words, phrases, wildcards, ~terms, #tags and @handles, or an OR of them`},
		{`a NEAR/2 (b c)`, `col 10: NEAR works on words, phrases, wildcards, ~terms, #tags and @handles, or an OR of them`},
		{`~uber`, `col 1: ~ needs a word of at least 5 letters, "uber" is too short to tolerate typos`},
		{`x ~`, `col 3: ~ needs a word right after it, as in ~amazon`},
		{`~t-mobile`, `col 1: ~ works on a single word, got "t-mobile"`},
		{`re*`, `col 1: the wildcard * needs at least 3 letters before it`},
		{`ref*und`, `col 4: the wildcard * is allowed only at the end of a word, as in refund*`},
		{`*`, `col 1: the wildcard * needs at least 3 letters before it`},
		{`**`, `col 1: the wildcard * is allowed only at the end of a word, as in refund*`},
		{`café *x`, `col 6: the wildcard * is allowed only at the end of a word, as in refund*`},
		{`#`, `col 1: #tag may contain only letters, digits and _, got "#"`},
		{`#foo-bar`, `col 1: #tag may contain only letters, digits and _, got "#foo-bar"`},
		{`@`, `col 1: @handle may contain only letters, digits and _, got "@"`},
		{`from:`, `col 1: from: needs a handle, as in from:jane`},
		{`lang:english`, `col 1: lang: needs a 2- or 3-letter language code, as in lang:en`},
		{`has:image`, `col 1: unknown filter "has:image": only has:link is supported`},
		{`😡`, `col 1: "😡" has no letters or digits to match`},
		{`"!!"`, `col 1: phrase has no letters or digits to match`},
		// Columns count characters, not bytes.
		{`café "crème`, `col 6: unclosed quote`},
		{`東京 OR`, `col 4: OR needs a term after it, found end of query`},
	} {
		_, err := Parse(tc.query)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tc.query, err)
			continue
		}
		if got := err.Error(); got != tc.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
}
