package intent

import "strings"

// questionStarts open a question even without '?', which customers often leave out.
var questionStarts = setOf(`how what when where why who which can could do does did is are
	will would should any anyone`)

// cueKinds maps single words to the kinds they signal.
var cueKinds = map[string]int{}

type phrase struct {
	words []string
	kind  int
}

var phraseIndex = map[string][]phrase{}

func init() {
	add := func(kind int, list string) {
		for _, c := range strings.Split(list, ",") {
			ws := strings.Fields(c)
			switch len(ws) {
			case 0:
			case 1:
				cueKinds[ws[0]] |= kind
			default:
				phraseIndex[ws[0]] = append(phraseIndex[ws[0]], phrase{ws, kind})
			}
		}
	}
	add(kComplaint, `still waiting, still not, still no, still haven't, never arrived, never received,
		not working, doesn't work, isn't working, stopped working, won't work, not happy, unacceptable,
		ridiculous, worst, terrible, awful, useless, disappointed, disappointing, disgusting, shocking,
		pathetic, joke, scam, rip off, ripoff, fed up, sick of, tired of, no one, nobody, on hold,
		hung up, cancelled, canceled, delayed, overcharged, charged twice, wrong item, damaged, broken,
		missing, lost my, never again, complaint, complain, rude, incompetent, outage, down again, yet again,
		not received, haven't received, hasn't arrived, not arrived, not delivered, no response, no reply,
		waste of, where is my, where's my, it's been, been waiting, still nothing`)
	add(kPraise, `thanks, thank you, thank, thx, ty, love, loved, loving, great, awesome, amazing, excellent,
		brilliant, fantastic, best, kudos, appreciate, appreciated, perfect, wonderful, shoutout, cheers`)
	add(kRequest, `please, pls, plz, help me, help us, please help, need help, help needed, can you, could you, would you, i want, i need, i'd like,
		i would like, need help, dm me, dm you, check my, cancel my, refund my, fix, reset, unlock,
		change my, update my, send me, call me, contact me, get back to me, look into, sort out,
		sort this, escalate, assist`)
	add(kOrder, `order, orders, ordered, purchase, purchased, bought, item, items, product, return,
		returned, returning, exchange, replacement, cart, checkout, stock, pedido, commande,
		bestellung, encomenda, ordine, bestelling`)
	add(kAccount, `account, login, log in, logged out, sign in, signin, password, username, profile,
		locked out, locked, hacked, verify, verification, 2fa, two factor, reset my password, email address,
		delete my account, cuenta, compte, konto, conta, wachtwoord, contraseña, mot de passe, passwort`)
	add(kBilling, `charge, charged, charges, bill, billed, billing, invoice, refund, refunded, refunds,
		payment, paid, pay, fee, fees, subscription, overcharged, money back, credit card, debit,
		direct debit, price, pricing, cost, discount, voucher, promo code, reembolso, remboursement,
		erstattung, rimborso, terugbetaling, factura, facture, rechnung, fattura, factuur`)
	add(kDelivery, `delivery, deliver, delivered, delivering, shipping, shipped, shipment, ship, package,
		parcel, courier, tracking, track, arrive, arrived, arrival, dispatch, dispatched, driver,
		postman, ups, fedex, dhl, usps, royal mail, hermes, envío, entrega, livraison, colis,
		lieferung, paket, entrega, consegna, pacco, levering, pakket, bezorging`)
	add(kTechnical, `app, crash, crashes, crashing, crashed, error, bug, glitch, not working, doesn't work,
		broken, update, updated, wifi, internet, outage, connection, signal, slow, loading, load,
		install, screen, battery, device, website, site, page, server, offline, reboot, restart,
		firmware, ios, android, bluetooth, network, coverage, streaming, buffering, login error`)
}

func setOf(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}
