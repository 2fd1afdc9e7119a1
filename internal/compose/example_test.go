package compose_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/heed-dev/heed/internal/compose"
)

func ExampleChecker_Check() {
	// One Checker per process: it holds the dictionaries (Preload: true loads them now).
	c, err := compose.New(compose.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ws := c.Check(compose.Input{
		Text:     "Hi Maria, please DM us!!",
		Public:   true,
		Language: "en",
		Customer: compose.Customer{Name: "Ana Diaz", Handle: "@ana_d"},
		Settings: compose.Settings{Disabled: map[string]bool{compose.CheckSpelling: true}},
	})
	b, _ := json.MarshalIndent(compose.Result{Warnings: ws}, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "warnings": [
	//     {
	//       "check": "wrong_name",
	//       "message": "The reply greets “Maria”: the customer is Ana Diaz (@ana_d).",
	//       "start": 3,
	//       "end": 8,
	//       "blocking": false,
	//       "fix": "Ana"
	//     },
	//     {
	//       "check": "deflection",
	//       "message": "Moves the customer to a private message, but this thread needs no personal data or account access and the reply gives no reason: answer here in the thread, or say why.",
	//       "start": 17,
	//       "end": 19,
	//       "blocking": false
	//     },
	//     {
	//       "check": "arguing",
	//       "message": "“!!” can read as impatient or aggressive: one mark is enough.",
	//       "start": 22,
	//       "end": 24,
	//       "blocking": false,
	//       "fix": "!"
	//     }
	//   ]
	// }
}
