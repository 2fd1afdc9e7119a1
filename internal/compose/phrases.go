package compose

import "regexp"

// Phrase lists, per language, as regexp fragments matched case-insensitively as whole words
// (see compilePhrases: an apostrophe also matches ’, a space any white space). English is
// always checked; the conversation's language is checked as well.

// ackPhrases promise work without doing it.
var ackPhrases = phraseSet(map[string][]string{
	"en": {
		`(?:we're|we are|i'm|i am|we'll|we will|i'll|i will|we're currently|team is|teams are) (?:now )?(?:looking|look|checking|check|digging) (?:into|in to|on)(?: (?:it|this|that|the issue|the problem|your \w+|what happened|what's happening))?`,
		`look(?:ing)? into (?:it|this|that)(?: for you)?`,
		`(?:we'll|we will|i'll|i will|someone will|we'd|we would) (?:get back|be in touch|follow up|reach out|update you|keep you (?:posted|updated|informed)|let you know)`,
		`get back to you`, `keep you (?:posted|updated|in the loop|informed)`,
		`let me (?:check|look|see|find out|take a look|investigate|dig|verify|confirm|ask)`,
		`let us (?:check|look into|take a look|investigate|find out)`,
		`(?:we're|we are|i'm|i am) (?:investigating|on it|working on (?:it|this|a fix))`,
		`(?:i've|i have|we've|we have) (?:passed (?:this|it|that|your \w+) (?:on|along)|escalated (?:this|it|your \w+)|raised (?:this|it) with|flagged (?:this|it) (?:to|with)|forwarded (?:this|it|your \w+))`,
		`(?:bear with us|hang tight|sit tight)`,
		`(?:we'll|we will|i'll|i will) (?:look|check) (?:into it|into this|on this|on it|and see)`,
	},
	"es": {
		`(?:lo )?estamos (?:revisando|investigando|verificando|mirando)`, `lo revisamos`, `lo reviso`,
		`(?:te|le|les) (?:contactaremos|escribiremos|responderemos|avisaremos|mantendremos informad[oa]s?)`,
		`nos pondremos en contacto`, `(?:d[eé]jame|perm[ií]teme|d[eé]janos) (?:revisar|verificar|consultar|comprobar|mirar)`,
		`(?:voy|vamos) a (?:revisar|verificar|consultar|comprobar)lo`,
	},
	"fr": {
		`(?:nous|on) (?:regardons|vérifions|examinons|étudions|enquêtons)`, `je (?:regarde|vérifie|me renseigne)`,
		`(?:nous revenons|je reviens|on revient|nous reviendrons|je reviendrai) vers vous`,
		`(?:on s'en occupe|nous nous en occupons|je m'en occupe)`,
		`(?:laissez-moi|permettez-moi) (?:vérifier|regarder)`, `nous vous tiendrons informée?s?`,
	},
	"de": {
		`wir (?:schauen uns das an|prüfen (?:das|dies|es)|kümmern uns|gehen dem nach|melden uns)`,
		`ich (?:schaue (?:mir )?(?:das )?(?:gerne )?(?:an|nach)|prüfe (?:das|dies|es)|kläre das|melde mich)`,
		`(?:lass|lassen Sie) (?:mich|uns) (?:das )?(?:prüfen|nachsehen|schauen)`,
		`halten (?:Sie|dich) auf dem Laufenden`,
	},
})

// answerPhrases are signs that a reply carries an answer: a step, a cause, a done deed, an
// arrival, a date.
var answerPhrases = phraseSet(map[string][]string{
	"en": {
		`go to`, `click`, `tap`, `select`, `open (?:the|your)`, `restart`, `reinstall`, `reboot`,
		`update (?:the|your|to)`, `reset`, `clear (?:the|your)`, `sign (?:in|out)`, `log (?:in|out)`,
		`try`, `enable`, `disable`, `turn (?:it )?(?:off|on)`, `settings`, `you can`, `you'll need to`,
		`you need to`, `make sure`, `here's how`, `steps?`, `follow (?:the|these|this|our) (?:steps|link|instructions|guide)`, `because`, `due to`,
		`caused by`, `the reason`, `(?:we've|we have|i've|i have) (?:fixed|resolved|found|identified|refunded|sent|shipped|updated|processed|cancell?ed|issued|credited|applied|added|removed|changed|reset|restored|booked|rebooked|replaced)`,
		`(?:has|have|had) been (?:fixed|resolved|shipped|refunded|sent|processed|cancell?ed|delivered|restored|credited|approved|updated)`,
		`(?:is|are) (?:now )?(?:fixed|resolved|back|restored|working|available|unavailable|not available|out of stock|discontinued)`,
		`(?:was|were) (?:shipped|sent|delivered|dispatched|cancell?ed|refunded)`,
		`(?:will|should) (?:arrive|be delivered|ship|be back|be fixed|be restored|be available|reach you|be refunded|appear|show up)`,
		`expected`, `estimated`, `(?:today|tomorrow|tonight|this (?:morning|afternoon|evening|week|weekend)|next (?:week|month))`,
		`(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?`,
		`(?:january|february|march|april|june|july|august|september|october|november|december)`,
		`(?:within|in) (?:an? |the next |a few )?(?:hour|day|week|minute|business day)s?`,
		`(?:unfortunately|sadly),? (?:we|this|that|it)`, `(?:we|it) (?:don't|doesn't|can't|cannot|won't|do not|does not)`,
		`(?:policy|outage|maintenance|known issue)`,
	},
	"es": {
		`ve a`, `pulsa`, `haz clic`, `selecciona`, `reinicia`, `puedes`, `intenta`, `porque`, `debido a`,
		`(?:hoy|mañana|esta semana|la próxima semana)`, `(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)`,
		`(?:ya )?(?:hemos|he) (?:enviado|reembolsado|solucionado|resuelto|cancelado|procesado)`, `llegará`,
	},
	"fr": {
		`allez`, `cliquez`, `appuyez`, `sélectionnez`, `redémarrez`, `vous pouvez`, `essayez`, `parce que`,
		`en raison`, `(?:aujourd'hui|demain|cette semaine|la semaine prochaine)`,
		`(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)`,
		`(?:nous avons|j'ai) (?:envoyé|remboursé|résolu|corrigé|annulé|traité)`, `arrivera`,
	},
	"de": {
		`gehen Sie`, `klicken`, `tippen`, `wählen`, `starten Sie`, `Sie können`, `du kannst`, `versuchen`,
		`weil`, `aufgrund`, `(?:heute|morgen|diese Woche|nächste Woche)`,
		`(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)`,
		`(?:wir haben|ich habe) (?:\w+ )?(?:gesendet|erstattet|behoben|storniert|bearbeitet|verschickt)`, `wird (?:\w+ )?ankommen`,
	},
})

// fillerPhrases make a sentence carry no information on its own.
var fillerPhrases = phraseSet(map[string][]string{
	"en": {
		`thanks?`, `thank you`, `sorry`, `apologi[sz]e`, `apologies`, `patience`, `understand`,
		`appreciate`, `hope`, `hi`, `hello`, `hey`, `happy to help`, `here to help`, `glad`,
		`reaching out`, `letting us know`, `bringing this to our attention`, `frustrat\w*`,
	},
	"es": {`gracias`, `lo siento`, `lamentamos`, `disculp\w+`, `paciencia`, `hola`, `entiendo`},
	"fr": {`merci`, `désolée?s?`, `excus\w+`, `patience`, `bonjour`, `comprends`},
	"de": {`danke`, `tut (?:mir|uns) leid`, `entschuldig\w*`, `geduld`, `hallo`, `verstehe`},
})

// Deflection: moving the customer to another channel.
const (
	deflectPhone = "phone"
	deflectEmail = "e-mail"
	deflectDM    = "a private message"
	deflectStore = "a store"
	deflectForm  = "a form or another team"
)

var deflectionPhrases = map[string]map[string]*regexp.Regexp{
	deflectPhone: phraseSet(map[string][]string{
		"en": {`call us`, `call our`, `give us a (?:call|ring)`, `phone us`, `ring us`, `call (?:the|our) (?:\w+ )?(?:team|line|number|hotline|helpline|support)`, `call \+?\d[\d\s().-]*`, `call customer (?:service|care|support)`, `contact us (?:by|via|over the) phone`},
		"es": {`ll[aá]manos`, `llame (?:al|a nuestro)`, `llama al`, `por tel[eé]fono`},
		"fr": {`appelez(?:-nous| le| notre)`, `par t[eé]l[eé]phone`, `contactez(?:-nous)? par t[eé]l[eé]phone`},
		"de": {`rufen Sie (?:uns|unsere|unser|die)`, `ruf uns an`, `telefonisch`, `unter der (?:Nummer|Hotline)`},
	}),
	deflectEmail: phraseSet(map[string][]string{
		"en": {`e-?mail us`, `send (?:us|our team) an e-?mail`, `drop us an? (?:e-?mail|line)`, `contact us (?:by|via) e-?mail`, `e-?mail (?:our|the) (?:\w+ )?(?:team|support|address)`, `write to us at`, `contact us at`},
		"es": {`escr[ií]benos (?:un correo|a)`, `env[ií]anos un (?:correo|e-?mail)`, `por (?:correo|e-?mail)`},
		"fr": {`écrivez-nous (?:à|par)`, `envoyez-nous un (?:e-?mail|courriel|mail)`, `par (?:e-?mail|courriel|mail)`},
		"de": {`schreiben Sie uns (?:eine E-Mail|an)`, `schreib uns (?:eine E-Mail|an)`, `per E-?Mail`},
	}),
	deflectDM: phraseSet(map[string][]string{
		"en": {`dm`, `dms`, `dm'?d`, `direct message`, `private message`, `pm us`, `message us privately`, `(?:via|in|by|over) (?:a )?(?:private|direct)`, `send (?:us|me) (?:a )?(?:dm|pm|private message|direct message|message)`, `in (?:a )?(?:dm|pm|private)`, `(?:slide|pop|shoot) (?:us|me|into) (?:a )?(?:dm|pm|our dms)`},
		"es": {`md`, `mensaje (?:directo|privado)`, `por (?:privado|interno|md|dm)`, `env[ií]anos un (?:md|dm|mensaje)`, `escr[ií]benos por (?:privado|md|dm)`},
		"fr": {`mp`, `message privé`, `en (?:privé|mp|dm)`, `envoyez-nous un (?:mp|dm|message)`},
		"de": {`direktnachricht`, `private nachricht`, `per (?:dm|pn|pm)`, `schreib(?:en Sie)? uns (?:eine )?(?:dm|pn|pm|privat)`},
	}),
	deflectStore: phraseSet(map[string][]string{
		"en": {`visit (?:a|one of our|your (?:nearest|local)|our|the nearest|the) (?:\w+ )?(?:store|shop|branch|location|service cent(?:er|re)|genius bar)`, `(?:go|head|pop|stop) (?:in)?to (?:a|your|the|one of our|our) (?:nearest |local )?(?:store|shop|branch|location)`, `come (?:in|into|by) (?:to )?(?:a|any|the|your|one of our|our) (?:\w+ )?(?:store|shop|branch)`, `bring it (?:in|into|to) (?:a|any|the|your|our)`},
		"es": {`(?:ac[eé]rcate|visita|ve) a (?:una|tu|nuestra|la) (?:tienda|sucursal|oficina)`, `en tienda`},
		"fr": {`(?:rendez-vous|passez) (?:en|dans (?:une|votre|notre)) (?:magasin|boutique|agence)`, `en magasin`, `en boutique`},
		"de": {`(?:in einer|in unserer|in Ihrer) (?:Filiale|Shop|Geschäft)`, `besuchen Sie (?:eine|unsere|Ihre) (?:Filiale|Shop)`},
	}),
	deflectForm: phraseSet(map[string][]string{
		"en": {`(?:contact|reach out to|get in touch with) (?:our |the )?(?:customer (?:service|care|support)|support team|care team|help ?desk)`, `(?:fill (?:in|out)|submit|complete) (?:a|the|our) (?:contact |support |web |online )?(?:form|ticket|request)`, `open a (?:support )?ticket`, `contact (?:us )?(?:through|via|using) (?:the|our) (?:link|form|website|app)`},
		"es": {`(?:contacta|ponte en contacto) con (?:atención al cliente|soporte|nuestro equipo)`, `(?:rellena|completa) (?:el|nuestro) formulario`},
		"fr": {`(?:contactez|contacter) (?:le service client|notre service client|le support)`, `(?:remplissez|complétez) (?:le|notre) formulaire`},
		"de": {`(?:kontaktieren Sie|wenden Sie sich an) (?:den|unseren) (?:Kundenservice|Kundendienst|Support)`, `(?:füllen Sie|nutzen Sie) (?:das|unser) (?:Kontakt)?formular`},
	}),
}

// deflectionOrder fixes the order of categories in messages.
var deflectionOrder = []string{deflectDM, deflectPhone, deflectEmail, deflectStore, deflectForm}

// empathyPhrases acknowledge how the customer feels.
var empathyPhrases = phraseSet(map[string][]string{
	"en": {
		`sorry`, `apologi[sz]e\w*`, `apologies`, `apology`, `my bad`, `our bad`, `regret\w*`,
		`(?:i|we) (?:completely |totally |fully |really |can |do )?understand`, `(?:i|we) (?:totally |completely )?get (?:it|that|you|how|why)`,
		`(?:i |we |definitely |totally )?hear you`, `(?:not happy|unhappy|not pleased) to (?:hear|see|read)`, `concerns? us`, `understandabl[ey]`, `frustrat\w+`, `disappoint\w+`, `annoying`,
		`irritating`, `inconvenien\w+`, `upsetting`, `(?:not|isn't|is not) (?:ok|okay|acceptable|good enough|the experience)`,
		`(?:i|we) can (?:only )?imagine`, `that must (?:be|have been)`, `(?:i|we) know (?:how|it|that)`,
		`(?:thanks|thank you) for (?:your|bearing|being) (?:patience|patient|understanding)`,
		`appreciate your (?:patience|understanding)`, `unfortunate`, `not what (?:you|we) (?:expect|want)\w*`,
		`let (?:me|us) make (?:this|it|that) right`, `saddened`, `(?:sad|hate|sorry|unhappy) to (?:hear|see|know|read)`,
		`(?:that's|that is|this is|that sounds|this sounds|sounds) (?:\w+ )?(?:concerning|worrying|not good|awful|terrible|frustrating|annoying|disappointing|unacceptable|stressful|upsetting|no fun|not fun)`,
		`(?:not|never) (?:the experience|what) (?:we|you)`, `(?:you|must) feel`, `how you feel`,
	},
	"es": {`lo siento`, `lo sentimos`, `lament\w+`, `disculp\w+`, `perd[oó]n\w*`, `sentimos`, `entiendo`, `entendemos`, `comprendo`, `comprendemos`, `qu[eé] pena`, `frustra\w*`, `molestia\w*`, `inconvenient\w*`},
	"fr": {`désolée?s?`, `navrée?s?`, `excus\w+`, `pardon`, `je comprends`, `nous comprenons`, `regrett\w+`, `frustra\w+`, `déçue?s?`, `déception`, `désagrément\w*`},
	"de": {`tut (?:mir|uns) (?:sehr )?leid`, `entschuldig\w*`, `bedauer\w*`, `verstehe`, `verstehen`, `ärgerlich`, `frustrier\w*`, `enttäusch\w*`, `unannehmlichkeit\w*`},
})

// arguingPhrases confront or belittle the customer.
var arguingPhrases = phraseSet(map[string][]string{
	"en": {
		`you(?:'re| are) (?:wrong|mistaken|confused|lying|incorrect)`, `that(?:'s| is) (?:not true|false|a lie|untrue|simply not)`,
		`(?:as|like) (?:i|we) (?:already |previously |just )?(?:said|mentioned|explained|told you|stated)`,
		`(?:as|like) (?:i|we) (?:have|'ve) (?:already )?(?:said|mentioned|explained|told you|stated)`,
		`calm down`, `relax`, `read (?:the|our|my) (?:faq|terms|manual|instructions|message|messages|reply|replies|tweet|post|policy|description|website|site|previous|last|earlier)`, `read (?:it )?(?:again|properly|carefully)`, `did you (?:even|not|actually) (?:read|try|check)`,
		`obviously`, `clearly you`, `you should have (?:read|checked|known|listened|looked)`, `(?:it's|it is|that's|that is) (?:your|entirely your) (?:fault|problem)`,
		`your fault`, `you failed to`, `you didn't (?:read|follow|listen)`, `not our (?:problem|fault|issue)`,
		`if you had (?:read|listened|followed|checked)`, `learn to (?:read|listen)`, `whatever[.!]`, `you people`,
		`stop (?:complaining|whining|yelling|shouting|spamming)`, `with all due respect`, `no offen[cs]e`,
		`for the (?:last|third|second|hundredth) time`, `deal with it`, `take it or leave it`,
		`(?:i|we) (?:never|didn't) (?:said|say) that`, `that's on you`, `not my problem`,
	},
	"es": {`no es (?:cierto|verdad)`, `(?:está|estás) equivocad[oa]`, `como (?:ya )?(?:te |le )?(?:dije|he dicho|expliqué|mencioné)`, `c[aá]lmate`, `tranquil[ií]zate`, `obviamente`, `es (?:tu|su) culpa`, `lee (?:las|los|el|la|bien)`},
	"fr": {`vous avez tort`, `c'est faux`, `comme (?:je )?(?:vous )?l'ai (?:déjà )?dit`, `calmez-vous`, `évidemment`, `c'est (?:votre|ta) faute`, `lisez (?:les|le|la|bien)`},
	"de": {`Sie irren sich`, `das stimmt nicht`, `wie (?:ich )?(?:bereits|schon) (?:gesagt|erwähnt|erklärt)`, `beruhigen Sie sich`, `offensichtlich`, `(?:Ihre|deine) Schuld`, `lesen Sie (?:die|den|das|doch)`},
})

// reasonPhrases ask for personal or account details, which justify a private channel.
var reasonPhrases = phraseSet(map[string][]string{
	"en": {
		`your (?:(?:full|complete|best|account(?:'s)?|contact|home|service|billing|shipping|delivery|registered|first|last|mobile|cell),? ){0,2}(?:name|address|phone|phone number|number|telephone|mobile|e-?mail|e-?mail address)`,
		`(?:your|the) (?:account|order|tracking|booking|reservation|confirmation|policy|case|claim|member(?:ship)?|customer|loyalty|card|serial|imei|reference|record locator|zip|post ?code|date of birth|dob|username|user ?name|login|id)`,
		`account (?:details|info|information|number|email|e-mail|holder)`, `personal (?:details|info|information|data)`,
		`(?:order|tracking|booking|reservation|confirmation|account|reference|case|claim) (?:number|#|no|code|id)`,
		`for (?:security|privacy|verification) (?:reasons|purposes)?`, `to verify`, `verify your`,
	},
	"es": {`(?:tu|su) (?:nombre|dirección|teléfono|correo|cuenta|pedido|número|dni|código postal)`, `datos personales`, `(?:número|n[uú]mero) de (?:pedido|cuenta|seguimiento|reserva|cliente)`},
	"fr": {`(?:votre|ton) (?:nom|adresse|téléphone|numéro|e-?mail|courriel|compte|commande|code postal)`, `données personnelles`, `numéro de (?:commande|compte|suivi|réservation|client)`},
	"de": {`(?:Ihre|deine|Ihren|deinen) (?:Namen?|Adresse|Telefonnummer|Nummer|E-?Mail|Kundennummer|Bestellnummer|Konto|Postleitzahl)`, `persönliche(?:n)? Daten`, `(?:Bestell|Kunden|Sendungs|Vertrags)nummer`},
})
