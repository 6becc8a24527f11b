package kb

// Topic-less words say what a person wants to know about something –
// whether it is allowed, possible or legal, that there is a problem or a
// question – without saying what: "is it allowed?", "darf man das?",
// "هل هذا مسموح". A query made only of them is not answered confidently
// (they fit the work permission's "Am I allowed to work?" word for
// word); the entries they reach are offered as choices instead. With a
// topic word beside them ("allowed to work with a Duldung") they count as
// any other word. So are the words of a price ("kostet das Geld?",
// "lacag ma la bixiyaa?"): which fee is meant needs the topic beside them.
//
// Written and read as the off-topic lists are (see offTopicLists). None
// may name a topic itself: "Erlaubnis", "permis", "izin" and "اجازه" are
// also the permits people ask about.
var topiclessLists = map[string]string{
	"de": `erlaubt verboten möglich legal illegal problem probleme frage fragen hilfe ok okay geht kostet kosten geld kostenlos gratis umsonst bezahlen zahlen`,
	"en": `allowed permitted forbidden possible legal illegal problem problems question questions help ok okay cost costs money free pay paid`,
	"fr": `autorisé autorisée interdit interdite possible légal légale illégal problème problèmes question questions aide coûte coûter payant payante gratuit gratuite argent payer`,
	"ar": `مسموح ممنوع يجوز ممكن قانوني مشكلة مشكله سؤال مساعدة مساعده مصاري فلوس مجاني مجانا ببلاش يكلف تكلفة`,
	"fa": `مجاز ممنوع ممکن قانونی غیرقانونی مشکل سوال سؤال کمک پول هزینه رایگان مجانی`,
	"ps": `اجازه منع ممکن قانوني ستونزه پوښتنه مرسته پیسې وړیا`,
	"uk": `дозволено заборонено можливо законно незаконно проблема питання допомога коштує платно безкоштовно гроші платити`,
	"ru": `разрешено запрещено можно возможно законно незаконно проблема вопрос помощь стоит платно бесплатно деньги платить`,
	"tr": `serbest yasak mümkün yasal yasadışı sorun problem soru yardım ücretli ücretsiz para ödemek bedava`,
	"ku": `destûr qedexe mimkun qanûnî pirsgirêk pirs alîkarî pere belaş`,
	"ti": `ፍቑድ ክልኩል ሕጋዊ ጸገም ሕቶ ሓገዝ ገንዘብ ብነጻ`,
	"so": `ogol mamnuuc suurtagal sharci dhibaato su'aal caawimaad lacag bilaash bixi*`,
}

var topicless = buildOffTopic(topiclessLists)

// allTopicless reports whether every term of the query is topic-less.
func (s offTopicSet) allTopicless(toks []string) bool {
	for _, t := range toks {
		if !s.has(t) {
			return false
		}
	}
	return len(toks) > 0
}
