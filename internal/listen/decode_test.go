package listen

import (
	"encoding/json"
	"testing"
)

var decodeSeeds = []string{
	`{"id":"1","text":"hello","lang":"en","author":"jane"}`,
	`{"id":"1","text":"caf\u00e9 \ud83d\ude21 \"q\" \\ \/ \b\f\n\r\t","lang":null,"extra":[1,{"a":2}]}`,
	`{"ID":"x","Text":"case-insensitive keys","n":-1.5e3,"b":true,"f":false,"z":null}`,
	`  {"id" : "spaces" , "text" : "" }  ` + "\n",
	`{"id":"dup","id":"last wins"}`,
	`{"id":1}`,
	`{"id":"1",}`,
	`{"id":"1"} x`,
	`{"id":"\ud800"}`,
	`{"\u0069d":"escaped key"}`,
	"{\"id\":\"bad utf8 \xff\"}",
	"{\"id\":\"ctl \x01\"}",
	`{"id":"\x"}`,
	`{}`, `null`, `[]`, `"s"`, ``, `{`, `{"id"`, `{"id":`, `{"n":01}`, `{"n":1.}`, `{"n":-}`,
}

// TestDecodePostMatchesEncodingJSON checks DecodePost against encoding/json
// on hand-picked edge cases; FuzzDecodePost does the same on random input.
func TestDecodePostMatchesEncodingJSON(t *testing.T) {
	for _, s := range decodeSeeds {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecodePost(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, b)
	})
}

func checkDecode(t *testing.T, b []byte) {
	t.Helper()
	var want, got Post
	wantErr := json.Unmarshal(b, &want)
	gotErr := DecodePost(b, &got)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: encoding/json err %v, DecodePost err %v", b, wantErr, gotErr)
	}
	if wantErr == nil && want != got {
		t.Fatalf("%q: encoding/json %+v, DecodePost %+v", b, want, got)
	}
	// The fast path alone must never accept what encoding/json rejects, nor
	// decode differently.
	var fast Post
	if decodeFlat(b, &fast) && (wantErr != nil || fast != want) {
		t.Fatalf("%q: fast path accepted %+v, encoding/json gives %+v, %v", b, fast, want, wantErr)
	}
}
