package kb

import (
	"strings"
	"unicode/utf8"
)

// Stopwords are words that say nothing about which entry is meant: question
// words, pronouns, articles, auxiliaries, generic verbs ("need", "can",
// "get"), greetings and politeness. Without them "hello, how are you?" would
// match every entry that contains "how".
//
// The lists are written the way people type them and go through Normalize
// and stem at start-up, so they need no accent-free duplicates.
var stopwordLists = map[string]string{
	"de": `sagt ich du er sie es wir ihr mich mir dich dir uns euch sich man mein meine meinen meinem meiner meins
		dein deine deinen sein seine seinen seinem ihre ihren ihrem unser unsere euer eure
		der die das den dem des ein eine einen einem einer eines dies diese dieser dieses diesen
		und oder aber auch noch schon nur sehr so wie was wer wen wem wo wann warum wieso weshalb welche welcher welches
		wohin woher womit wozu worauf ob dass weil wenn als denn doch mal dann bitte danke dankeschön
		hallo hi hey guten tag morgen abend moin servus tschüss grüß gott hä häh hää hm hmm
		ist sind bin bist war waren wäre habe hab hast hat haben hatte hatten
		kann kannst können konnte könnte muss musst müssen soll sollte sollen
		will willst wollen möchte möchten werde wirst wird werden wurde würde gibt geben gehe geht gehen
		mache machst macht machen tun tue brauche brauchst braucht brauchen bekomme bekommst bekommt bekommen kriege kriegen
		in im an am auf aus bei beim mit nach von vom vor zu zum zur für über unter um durch gegen ohne bis seit ab
		hier da dort jetzt heute gestern bald lange nicht kein keine keinen keiner nichts ja nein ok okay gut gerne genau eigentlich
		etwas viel viele mehr alle alles jemand frage fragen hilfe helfen info infos information informationen
		bedeutet bedeutung heißt meint erklären erklärung sagen wissen weiß
		nix nich ne nen hab gibts nun halt irgendwo irgendwie gekriegt mitbringen mitnehmen finde finden findet lassen lasse lässt`,
	"en": `say says said i me my mine myself you your yours he him his she her it its we us our they them their
		a an the and or but also too still just only very so how what who whom whose where when why which
		whether that this these those if because as than then
		do does did done doing am is are was were be been being have has had having
		can could might must shall should will would want wants wanted need needs needed
		get gets got getting make makes made give go goes going
		to of in on at by for with from about into over under up out off again there here now today tomorrow yesterday soon next long
		not no nor yes ok okay please pls plz thanks thank thx hello hi hey dear good morning evening afternoon huh hm hmm
		sir madam help info information question questions know tell explain mean means meaning
		some any all much many more lot lots someone something anything anyone im ive dont cant
		wont doesnt didnt isnt ur bring come comes coming whats wheres hows thats theres whos u r` +
		// The English list applies to queries in every language (stopMask),
		// so it holds the greetings people type in Latin letters whatever
		// their language: "salam, darf ich arbeiten" read "salam" as
		// Kurmanji "salan", years.
		`
		salam salaam slm asc merhaba selam silav slav`,
	"ar": `هاه ها بقول يقول تقول قول بيقولوا في من على الى إلى عن مع هذا هذه ذلك تلك هو هي هم هن انا أنا انت أنت انتي نحن انتم أنتم
		كيف ماذا ما متى أين اين لماذا ليش هل كم اي أي او أو و ثم لكن لا نعم ليس كان يكون كانت
		اريد أريد بدي عايز ابغى احتاج أحتاج ممكن يمكن يجب لازم عندي معي لدي عند لي لك له لها بعد قبل زمان الان الآن هنا هناك بكرا بكره غدا اليوم امبارح قريبا تبعي تبع لوين بروح
		الذي التي اللي شو شنو ايش مين وين فين كل شي شيء يعني معنى
		مرحبا اهلا أهلا السلام عليكم كيفك كيفكم شلونك حالك شكرا صباح مساء الخير من فضلك لو سمحت ساعدني ساعدوني سؤال اعرف أعرف اعمل نعمل
		هلق هلا كتير عم رح بس حدا هيك بدو فيني بقدر منيح جيب اجيب بجيب هون لهون صرلي بتعطيني
		امتى ازاي ايه مش ينفع بيديني جالي عليا مفيش بحكي كام عايزين عايزة لسا
		يمكنني يمكنك يمكننا بامكاني بإمكاني بعمل بسوي اذا إذا
		3andi 3ndi mumkin mumken bdi biddi kif kifak ba3d shu sho 3ala 3alay 7ada eza iza`,
	"fa": `هان میگن میگویند بگم بگویم من تو او ما شما آنها ایشان این آن که را با از به در برای تا و یا اما ولی هم چه چی چرا کجا کی کدام
		چطور چگونه چند آیا است هست هستم هستید بود باشد شد شود میشود کرد کنم کنید کردن
		میخواهم خواهم میخوام باید میتوانم میتونم دارم دارد داریم ندارم نیست
		سلام ممنون مرسی تشکر لطفا کمک سوال یک یه رو هر دیگر الان امروز خیلی
		چکار چیکار بکنم میشه دیگه خب انجام بدم داشته باشه مرا کجاست خواهد کنه`,
	"ps": `وایي ووایم زه ته هغه هغې موږ تاسو دوی دا دې د په له سره کې څه ولې چیرته چېرته کله څنګه څومره
		او یا خو هم نه هو دی ده دي وو یم یې مې شي شو کړم غواړم باید لري لرم ستاسو زما مننه سلام ښه مرسته پوښتنه
		ورور خور ملګری راته ووایه ووایاست اړتیا شم راوستل راوستلی راوستلای راوړم راولم`,
	"uk": `га хм сказати кажуть я ти він вона воно ми ви вони мене мені мій моя моє мої твій твоя наш наша ваш ваша їх їхній свій себе
		цей ця це ці той та те і й а але або чи що як де коли чому навіщо хто який яка яке які скільки куди звідки
		тут там зараз сьогодні завтра вчора скоро так ні не нема немає є був була було були бути буде
		можна можу може можете треба потрібно маю має мати хочу хоче хочемо
		в у на з із зі до від для по про при за під над через без після перед між о об
		привіт вітаю доброго добрий день ранок вечір дякую будь ласка допоможіть допомогти питання
		знаю знати скажіть підкажіть розкажіть пояснити означає значить робити зробити якщо дали`,
	"ru": `чего хм сказать говорят я ты он она оно мы вы они меня мне мой моя моё мои твой наш ваш их свой себя этот эта это эти тот та то
		и а но или ли что как где когда почему зачем кто какой какая какое какие сколько куда откуда
		тут там здесь сейчас сегодня завтра вчера скоро да нет не ни есть был была было были быть будет
		можно могу может можете нужно надо хочу хочет хотим
		в во на с со к ко от для по про при за под над через без после перед между о об у из
		привет здравствуйте добрый день утро вечер спасибо пожалуйста помогите помочь вопрос
		знаю скажите подскажите означает значит делать сделать если только`,
	"tr": `efendim peki hı hm denir söylenir ben sen o biz siz onlar beni bana benim senin onun bizim sizin bu şu bir ve veya ya ama fakat de da ki
		mi mı mu mü ne neden niye nasıl nerede nereye nereden hangi kim kaç için ile gibi kadar daha çok en
		var yok değil olarak tam yapılır evet hayır merhaba selam günaydın iyi teşekkür teşekkürler sağol lütfen yardım soru
		istiyorum lazım gerek gerekiyor olur olabilir miyim mıyım yapabilir
		gece geceler akşamlar günler hoşça görüşürüz verdiler`,
	"ku": `gotin dibêjin ez tu ew em hûn min te wî wê me we wan vê vî ev û an lê jî ji bi li di de ku ka çi çima çawa kî kengî
		kîjan çend derê heye hene tune ne na erê belê dikarim divê dixwazim xwe ye e bû be silav spas kerema
		alîkarî pirs lazim bo bînim bikim wate wateyê wateya`,
	"ti": `ይበሃል እንታይ ከመይ መዓስ ኣበይ ስለምንታይ መን ኣነ ንስኻ ንስኺ ንሱ ንሳ ንሕና ንስኹም ንሳቶም እዚ እቲ እዩ እያ እየ ኣሎ የለን
		ኣብ ናብ ካብ ምስ ከም ግን ወይ ድማ ከኣ ክንደይ ሰላም የቐንየለይ በጃኻ በጃኺ ሓገዝ ሕቶ ይኽእል ደሊየ ደልየ እደሊ ክደሊ ኣለኹ የድልየኒ ሓግዙኒ ይሕግዘኒ እንተ ኣለኒ ይብለኒ መጺአ ድዩ
		ናይ ዘለኹ ኮይኑ ዋላ ናብኡ ይህበኒ ክብል ዝመጽእ ገይረ ድዮም እንከለኹ ብኸመይ ይርከብ`,
	"so": `yiraahdaa waa iyo ama laakiin in ka ku u la ee oo aan ma maxaa sidee xagee halkee goorma yaa kee immisa
		aniga adiga isaga iyada annaga iyaga kan kani kaas tan taas waxaan waxaad wax haa maya
		salaan mahadsanid fadlan caawimo caawin karaa rabaa doonayaa baan baad ayaan ayaa sida si hadda maanta maxay tahay dhigan baahan baahanahay ii maxaan wuu yahay anigoo haysto haystaa`,
	"fr": `dit dis je tu il elle on nous vous ils elles me te se moi toi lui leur mon ma mes ton ta tes son sa ses notre votre
		le la les un une des du de et ou mais aussi encore seulement très si comment que quoi qui où quand pourquoi
		quel quelle quels quelles combien est sont suis es être ai as avons avez ont avoir
		peux peut pouvez pouvoir dois doit devez faut veux veut voulez voudrais besoin faire fais fait
		dans en sur sous avec sans pour par chez vers à au aux ce cet cette ces ça cela ceci pas ne ni non oui ok
		hein hm hmm bonjour salut bonsoir merci svp plaît aide aider question savoir dire expliquer signifie qu jai cest dun dune maider apporter amener venir maintenant lavoir koi mont donne recu comprends rien plus bout tant prendre aller vais exactement ya davoir eu demain hier aujourdhui`,
	// Arabic and Dari/Farsi typed in Latin letters (Arabizi, Finglish):
	// the function words of the romanised questions and phrases.
	"ar-latn": `ana enta enti inta inti ente howe huwe hiye hiya ne7na e7na intu el il al wel wl we bl bel bil fi fe
		ma3 m3 3a 3ala 3la 3al lal lel lil li mn men min 3an aw walla wala ya shu sho shou esh eh eih ay kif kef keef
		ezay izay ezzay eza iza law lesh leh le ma mesh mish msh la2 la2a aywa bdi badi bade bedi biddi baddi baddo
		3ayez 3awez 3ayz 3ayza 3awza momken mumkin mmkn lazem lazim fina feena fini ba2dar a2dar akid ktir kteer
		awi 2awi shwaye hon hena hina honik wein wen fein emta imta ayemta addesh adesh 2addesh kaddesh ya3ni yaani
		hay hayda hayde hada hadi hatha dah deh marhaba salam shukran shokran merci plz`,
	"fa-latn": `man to ma shoma anha in an ke ro ra ba az be dar baraye bara ta va ya vali ama ham che chi chera
		koja kojast key kei kodom chetori chetor chejuri chand chande cheghadr cheqadr chiye chie chist hast hastam
		hasti nist mikham mikhaham mikhay mitoonam mitunam mitavanam mitanam mishe mishavad bayad daram dari dare darim
		konam kardan kard mikonam mikone bokonam shod shode shavad begam migan lotfan mamnoon tashakor salam ye yek
		yeki hich khob are bale na inja unja alan`,
	// Tigrinya typed in Latin letters: "entay" (what) and "eyu" (is) in
	// the phrases of one entry drew "my residence permit ends, what do I
	// do" to the Gestattung.
	"ti-latn": `ane ana nsika nseki nsikum nsu nsa nhna ezi ezia eziom ezom eta eti etom nay nai kab ab abti
		nab nabti entay intay ntay nmntay abey abay kemey kamay kemay kndey meas men eye iye eyu iyu eya ina do dyu
		aleni aleku alo alewo yelen ydli ydeli yideli delye bejaka bejaki bejakum selam yekenyeley yeqenyeley`,
}

// latinScript are the languages whose stopwords can be real words in
// another Latin-script language (Kurmanji "ev" = "this", Turkish "ev" =
// "house"). Their lists apply only to queries in that language; the
// romanised lists (ar-latn, fa-latn) to queries and texts in the language
// whose romanisation they are.
var latinScript = map[string]bool{"fr": true, "tr": true, "ku": true, "so": true, "ar-latn": true, "fa-latn": true, "ti-latn": true}

// stopLangs gives each list a bit.
var stopLangs = []string{"de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ku", "ti", "so", "fr", "ar-latn", "fa-latn", "ti-latn"}

// stopwords maps a normalized word to the languages it is a stopword in.
var stopwords = wordLangs(stopwordLists)

// contentWordLists are words of a language that a list applied to every
// language would drop: Turkish "iş" (work, job) is English "is" once the
// accent is gone, so "iş lazım" (I need a job) had no word left to search
// and Turkish texts never indexed it.
var contentWordLists = map[string]string{"tr": "iş"}

// contentWords maps a normalized word to the languages it is no stopword
// in, whatever other lists say.
var contentWords = wordLangs(contentWordLists)

// wordLangs maps each normalized word of lists to the bits of the
// languages (stopLangs) whose list has it.
func wordLangs(lists map[string]string) map[string]uint32 {
	m := map[string]uint32{}
	for i, l := range stopLangs {
		for _, w := range strings.Fields(Normalize(lists[l])) {
			m[w] |= 1 << i
		}
	}
	return m
}

// stopMask returns the stopword lists that apply to a text in lang, a query
// or a piece of content:
// its own, German and English (people mix them in), and all lists in
// non-Latin scripts, which cannot collide with other languages' words.
// For an unknown or empty lang, all lists apply.
func stopMask(lang string) uint32 {
	if m, ok := stopMasks[lang]; ok {
		return m
	}
	return ^uint32(0)
}

// stopMasks is stopMask of each language with a list, worked out once:
// the search asks for every message.
var stopMasks = func() map[string]uint32 {
	masks := make(map[string]uint32, len(stopLangs))
	for _, lang := range stopLangs {
		var mask uint32
		for i, l := range stopLangs {
			if l == lang || l == lang+"-latn" || !latinScript[l] {
				mask |= 1 << i
			}
		}
		masks[lang] = mask
	}
	return masks
}()

// isStopword reports whether w is a stopword in the lists of mask. Arabic
// writes the conjunction "و" (and) attached to the next word, so "وانا" is
// checked as "انا" as well.
func isStopword(w string, mask uint32) bool {
	if contentWords[w]&mask != 0 {
		return false
	}
	if stopwords[w]&mask != 0 {
		return true
	}
	if rest, ok := strings.CutPrefix(w, "و"); ok && utf8.RuneCountInString(rest) >= 2 {
		return stopwords[rest]&mask != 0
	}
	return false
}
