package listen

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

const cliRules = `# brand rules
r1	apple OR ~samsung

r7	"customer service" -jobs
r3	#fail has:link
`

func TestRunCLI(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"1","text":"Apple customer service is a joke","lang":"en","author":"a"}`,
		`{"id":"2","text":"nothing to see","lang":"en","author":"b"}`,
		`{"id":"3","text":"Samsnug #fail https://t.co/x","lang":"en","author":"c"}`,
		``,
		`{"id":"4","text":"customer service jobs","lang":"en"}`,
		`{"id":"5 <&>","text":"\u00e9 apple"}`, // no final newline
	}, "\n")
	var out bytes.Buffer
	if err := RunCLI(context.Background(), strings.NewReader(cliRules), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"1","rules":["r1","r7"]}
{"id":"3","rules":["r1","r3"]}
{"id":"5 <&>","rules":["r1"]}
`
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunCLISkipsBadLines(t *testing.T) {
	in := "{\"id\":\"1\",\"text\":\"apple\"}\nnot json\n{\"text\":\"apple, no id\"}\n" +
		`{"id":"4","text":"apple"}` + "\n" + `{"id":"5","text":` + strings.Repeat("a", maxLine) + "\n" +
		`{"id":"6","text":"apple"}` + "\n"
	var out bytes.Buffer
	err := RunCLI(context.Background(), strings.NewReader("r1\tapple\n"), strings.NewReader(in), &out)
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want *InputError", err)
	}
	if ie.Skipped != 3 || ie.FirstLine != 2 || ie.Lines != 6 || ie.Posts != 3 || ie.Matched != 3 {
		t.Fatalf("summary %+v", ie)
	}
	if !strings.Contains(err.Error(), "skipped 3 of 6 input lines") || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("message: %v", err)
	}
	// The good lines around the bad ones all came through.
	want := `{"id":"1","rules":["r1"]}
{"id":"4","rules":["r1"]}
{"id":"6","rules":["r1"]}
`
	if out.String() != want {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestReadRulesErrors(t *testing.T) {
	for _, tc := range []struct{ rules, want string }{
		{"r1\tapple\nr2\tdelay NEAR/3\n", `rules line 2 (rule "r2"): col 7: NEAR/3 needs a term after it, found end of query`},
		{"# c\n\nr1\t\"open\n", `rules line 3 (rule "r1"): col 1: unclosed quote`},
		{"r1 apple\n", `rules line 1: want id<TAB>query`},
		{"\tapple\n", `rules line 1: want id<TAB>query`},
		{"r1\tapple\nr1\tpear\n", `rules line 2 (rule "r1"): duplicate rule id`},
		{"r1\t\n", `rules line 1 (rule "r1"): col 1: empty query`},
	} {
		_, err := ReadRules(strings.NewReader(tc.rules))
		if err == nil || err.Error() != tc.want {
			t.Errorf("ReadRules(%q)\n got %v\nwant %s", tc.rules, err, tc.want)
		}
	}
	rules, err := ReadRules(strings.NewReader("# only comments\r\n\r\nr1\tapple\r\n"))
	if err != nil || len(rules) != 1 || rules[0] != (Rule{ID: "r1", Query: "apple"}) {
		t.Fatalf("CRLF file: %v %v", rules, err)
	}
}

func TestRunCLICancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var in strings.Builder
	for range 3000 {
		in.WriteString(`{"id":"1","text":"apple"}` + "\n")
	}
	err := RunCLI(ctx, strings.NewReader("r1\tapple\n"), strings.NewReader(in.String()), io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

// TestStreamFlushesWhenIdle checks through pipes that a match is written
// while the input is still open (flush when the reader is idle), which a
// buffering-until-EOF implementation would fail.
func TestStreamFlushesWhenIdle(t *testing.T) {
	m, err := NewMatcher([]Rule{{ID: "r1", Query: "apple"}})
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := Stream(context.Background(), m, inR, outW)
		outW.CloseWithError(err)
		done <- err
	}()
	go func() { _, _ = inW.Write([]byte(`{"id":"1","text":"apple"}` + "\n")) }()
	buf := make([]byte, 64)
	n, err := outR.Read(buf)
	if err != nil || string(buf[:n]) != `{"id":"1","rules":["r1"]}`+"\n" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	inW.Close()
	_, _ = io.Copy(io.Discard, outR)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
