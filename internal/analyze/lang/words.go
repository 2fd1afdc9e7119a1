package lang

// functionWords are frequent, mostly unambiguous short words per language: articles, pronouns,
// prepositions and the customer-care verbs of every post ("thanks", "order"). Words shared by
// several configured languages split their vote.
var functionWords = map[string]string{
	"en": `the and is are was were my your you it this that to of for with have has not can will
		just what why how when where please thanks thank been still help get got me i i'm don't
		can't it's we they our there would should could from about again any now today didn't
		hasn't haven't isn't won't doesn't since yet who been being an be do does did`,
	"es": `el los las que y mi es por para con una pero muy gracias hola está esta están qué
		cómo dónde todavía pedido ya lo le se su del al nunca más hace hoy favor llevo tengo
		quiero sin sus cuando porque también hay ahora desde estoy cuenta`,
	"fr": `le les des du et est je j'ai mon ma mes vous votre pas ne une pour avec sur dans qui
		c'est merci toujours bonjour svp commande ça il elle au aux ce cette très n'est d'un
		jamais mais ou vos nous êtes été depuis moi j'attends`,
	"de": `der die das und ist nicht ich mein meine mit auf für ein eine den dem des sie wir
		bitte danke noch schon immer kein keine warum wie wo aber auch bei von zu seit habe
		hat wurde bestellung ihr euch nur sich mir mich jetzt heute wieder`,
	"pt": `o os as do da dos das é não meu minha com um uma em no na mais muito obrigado
		obrigada ainda você vocês está estou pedido já foi isso esse essa nunca cadê tá pra
		pelo pela também quando porque agora sem`,
	"it": `il gli di del della che è non mio mia per con sono ho ancora grazie perché come dove
		ma anche più ordine mi ci nel alla questo questa sempre mai ma voi vostro adesso
		oggi senza già`,
	"nl": `de het een en is niet ik mijn met op voor van dat die je jullie nog al geen wel maar
		ook bij naar waarom hoe waar bedankt dank heb heeft wordt bestelling weer alweer nooit
		graag aub er te zijn u uw`,
}
