package kb

import "strings"

// Off-topic words name things the knowledge base does not cover and
// that people still ask a bot about near its topics: a car and its
// registration or driving licence, a dog or a cat, a gym, football or a
// sports club, a film or the cinema, fishing, the weather, prayer times,
// a lost wallet, a library, supermarket prices, parking, a school trip, a
// ride or delivery app, a place in a day nursery, child benefit, a
// child's school (in German; elsewhere "school" is the Ausbildung's). A query with one of them is not answered
// confidently: the entries it reaches share its office words ("register",
// "contract", "tax", "licence") but not its topic, so "köpek vergisi"
// (dog tax) is not the tax ID and "договор в фитнес клубе" (a gym
// contract) not the landlord's notice. The entries are still offered as
// suggestions.
//
// The lists are written the way people type them and go through
// Normalize and stem at start-up. A trailing * takes every word that
// starts so (inflection, compounds); the rest are whole words. None may
// be a word that in-scope questions use for their own topic ("internet"
// finds flats, "school" and "visa" are the Ausbildung and family reunion,
// the bank and the Familienkasse are told about a new address, a taxi
// driver may be self-employed, "جامعية" is a university degree), and
// short words are whole words only, so "car" is not "care" nor "angel"
// "Angelegenheit". "Kindergarten" is one such word, told a new address
// too; a place in one was the family reunion, confidently.
var offTopicLists = map[string]string{
	"de": `auto autos pkw kfz fahrzeug* zulassungsstelle kennzeichen führerschein* fahrschule*
		hund hunde hundes hundesteuer* katze* haustier* fitnessstudio* fitness* fußball* sport sportverein*
		film filme films kino* angeln angelschein* wetter moschee* kirche* gebetszeit*
		geldbörse* portemonnaie brieftasche fundbüro* bibliothek* bücherei* supermarkt* parkschein* parkplatz*
		strafzettel* knöllchen klassenfahrt* uber lieferando geburtstag*
		handyvertrag* prepaid* datenvolumen* simkarte*
		kita kitas kitaplatz* krippe* kindergeld* elterngeld* einschulung* grundschul*
		schule schulen schulanmeldung* schulplatz* schulpflicht*`,
	"en": `car cars vehicle* driving dog dogs puppy cat cats pet pets gym fitness* football* soccer sport sports
		film films movie* cinema* netflix fishing hunting weather mosque* church* prayer* wallet
		library supermarket* grocery groceries parking uber birthday* prepaid
		daycare nursery kindergarten*`,
	"fr": `voiture* véhicule* immatricul* conduire chien* chat chats gym fitness* football foot sport
		film films cinéma* pêche météo mosquée* église* prière* portefeuille bibliothèque*
		supermarché* stationnement uber anniversaire* crèche* maternelle garderie*`,
	"ar": `سيارة سيارتي سياره سيارات كلب كلبي قطة قطتي جيم نادي فيلم فلم سينما صيد طقس
		مسجد صلاة كنيسة محفظة محفظتي سوبرماركت سواقة سواقه مباراة كرة روضة حضانة`,
	"fa": `ماشین ماشینم خودرو سگ گربه باشگاه بدنسازی ورزش ورزشی فوتبال فیلم سینما ماهیگیری مسجد نماز
		کلیسا کتابخانه سوپرمارکت رانندگی مهدکودک کیندرگلد*`,
	"ps": `موټر موټرو سپی سپي فوټبال فلم جومات لمونځ لمانځه ډرایور کتابتون`,
	"uk": `машин* авто автомобіл* собак* пес кіт кішк* спорт* фітнес* футбол* фільм* кіно*
		риболов* рибал* погод* церкв* мечет* гаманц* гаманець бібліотек* супермаркет* паркуван* водійськ*
		садоч* дитсад*`,
	"ru": `машин* автомобил* собак* кошк* фитнес* спорт* футбол* фильм* кино* рыбалк* рыболов*
		погод* церкв* мечет* кошел* библиотек* супермаркет* парковк* водительск* детсад* садик*`,
	"tr": `araba arabam* otomobil* köpek* kedi* fitness* spor futbol* film* sinema* balık* hava
		cami* namaz* kilise* cüzdan* kütüphane* ehliyet* otopark* paket* anaokul*`,
	"ku": `otomobîl* erebe* trimbêl* fîlm* futbol* werziş* masî* hewa mizgeft* nimêj* ehliyet* klûb*`,
	"ti": `መኪና መኪናይ መኪናታት ከልቢ ፊልም ኩዕሶ ዓሳ መስጊድ መንጃ ጂም`,
	"so": `baabuur* gaari* eey eeyga filim* film* kubadda kalluun* cimilad* masjid* salaad*
		kaniisad* maktabad* darawal* jimicsi* ciyaar*`,
}

// offTopicSet holds the off-topic words, normalized: whole words, and the
// beginnings that take every word starting so.
type offTopicSet struct {
	whole, start map[string]bool
	// heads has bit key4(w) % headBits set for every word and beginning
	// w (beginnings have four letters or more): a query term whose first
	// four bytes start none of them is ruled out by one bit, without
	// hashing it, as nearly all are. The check runs on every confident
	// answer and on Latin words read as Cyrillic.
	heads *[headBits / 64]uint64
}

const headBits = 1 << 14

// mayHave is false when t is neither a whole word nor starts with a
// beginning.
func (s offTopicSet) mayHave(t string) bool {
	k := key4(t) % headBits
	return s.heads[k/64]&(1<<(k%64)) != 0
}

func (s offTopicSet) addHead(w string) {
	k := key4(w) % headBits
	s.heads[k/64] |= 1 << (k % 64)
}

var offTopic = buildOffTopic(offTopicLists)

func buildOffTopic(lists map[string]string) offTopicSet {
	s := offTopicSet{whole: map[string]bool{}, start: map[string]bool{}, heads: new([headBits / 64]uint64)}
	for _, list := range lists {
		for _, w := range strings.Fields(list) {
			pre := strings.HasSuffix(w, "*")
			for _, n := range strings.Fields(Normalize(strings.TrimSuffix(w, "*"))) {
				if pre {
					s.start[n] = true
					s.addHead(n)
				} else {
					s.whole[stem(n)] = true
					s.addHead(stem(n))
				}
			}
		}
	}
	return s
}

// has reports whether the query term t (see analyze) is off topic.
func (s offTopicSet) has(t string) bool {
	if !s.mayHave(t) {
		return false
	}
	if s.whole[t] {
		return true
	}
	// t[:i] is its first n letters; beginnings have at least four.
	n := 0
	for i := range t {
		if n >= 4 && s.start[t[:i]] {
			return true
		}
		n++
	}
	return s.start[t]
}

// anyOffTopic reports whether one of the query's terms is off topic.
func (s offTopicSet) anyOffTopic(toks []string) bool {
	for _, t := range toks {
		if s.has(t) {
			return true
		}
	}
	return false
}
