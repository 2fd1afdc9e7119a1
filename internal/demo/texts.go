package demo

// Demo posts, written for Heed (no third-party corpus). Kinds steer the
// generator: how often each appears and what happens next.
type post struct {
	kind string // question, complaint, praise, spam, personal, viral
	text string
}

var posts = []post{
	{"question", "Hi! Do you ship to Portugal, and how long does it usually take?"},
	{"question", "What time does the Camden store open on Sundays?"},
	{"question", "Can I change the delivery address on order 48213? It hasn't shipped yet."},
	{"question", "Is the winter jacket available in a size M anywhere?"},
	{"question", "How do I reset my password? The email never arrives."},
	{"question", "Do you price match if I find it cheaper elsewhere?"},
	{"question", "Where can I find the warranty terms for the blender?"},
	{"question", "Any news on when the green colour is back in stock?"},
	{"complaint", "My parcel was marked delivered yesterday but it's not here. Not impressed."},
	{"complaint", "Third time the app crashed at checkout. I give up."},
	{"complaint", "Still waiting for my refund after three weeks. This is ridiculous."},
	{"complaint", "The order arrived damaged and the box was soaked. Really disappointing."},
	{"complaint", "I was charged twice for the same order!! Please fix this now."},
	{"complaint", "Your support line kept me on hold for 45 minutes and then hung up."},
	{"complaint", "Cancelled my subscription and you still took the money. Never again."},
	{"complaint", "The discount code from your newsletter doesn't work at all."},
	{"praise", "Just wanted to say the team at the Leeds store were brilliant today, thank you!"},
	{"praise", "Love the new app update, checkout is so much faster now 👏"},
	{"praise", "Delivery came a day early and everything was perfect. Great job!"},
	{"praise", "Best customer service I've had in years, thanks Priya!"},
	{"spam", "WIN a FREE iPhone 16!!! Click http://bit.ly/free-prize-now to claim, limited offer"},
	{"spam", "Earn $5000 a week from home, DM me for the secret crypto method 💰💰💰"},
	{"spam", "Follow me for follow back!! Cheap followers at www.getfollowers.example"},
	{"personal", "My card 4111 1111 1111 1111 was charged but the order was cancelled, please refund"},
	{"personal", "Please call me back on +44 7700 900123, I need to sort out my account"},
	{"personal", "My email is jamie.r@example.com and my order number is 55120, where is it?"},
	{"viral", "Your driver just threw my parcel over the fence and smashed it. Video attached. Disgraceful."},
}

// followUps are what a customer says after an agent's reply.
var followUps = []string{
	"Thanks, that helps!",
	"Ok, but when exactly?",
	"Great, sorted now. Thank you.",
	"That doesn't really answer my question.",
	"Perfect, appreciate the quick reply.",
}

var names = []struct{ handle, name string }{
	{"ana_diaz", "Ana Diaz"}, {"tom_h", "Tom Hughes"}, {"priya.k", "Priya Kaur"}, {"leo_m", "Leo Martin"},
	{"sam_o", "Sam Okafor"}, {"mia.w", "Mia Wong"}, {"jamie_r", "Jamie Reed"}, {"nora_b", "Nora Berg"},
	{"omar_s", "Omar Saleh"}, {"lucia_p", "Lucía Pérez"}, {"kenji_t", "Kenji Tanaka"}, {"ella_f", "Ella Fischer"},
}
