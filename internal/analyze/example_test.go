package analyze_test

import (
	"context"
	"os"
	"strings"

	"github.com/heed-dev/heed/internal/analyze"
)

// A plain-text line gets its line number as id; a JSON line keeps its own. (The figures change
// when the spam model is retrained.)
func ExampleRunCLI() {
	a, err := analyze.New(analyze.Options{})
	if err != nil {
		panic(err)
	}
	in := strings.NewReader(`@AcmeHelp my card 4111 1111 1111 1111 was charged twice, please refund
{"id":"m-2","text":"love this brand!","followers":2500,"network":"instagram"}
`)
	if err := analyze.RunCLI(context.Background(), a, in, os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// {"id":1,"language":"en","language_confidence":0.85,"sentiment":{"compound":-0.0772,"label":"negative"},"spam":{"probability":0.2936,"label":false},"intent":"request_billing","topic":"billing","needs_response":true,"personal_data":[{"type":"card","start":18,"end":37,"confidence":1}],"move_private":true,"influence":0}
	// {"id":"m-2","language":"en","language_confidence":0.53,"sentiment":{"compound":0.6696,"label":"positive"},"spam":{"probability":0.2484,"label":false},"intent":"praise","needs_response":false,"personal_data":[],"move_private":false,"influence":0.453}
}
