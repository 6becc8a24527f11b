package telegramtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"time"
)

// queued is an update not yet confirmed by getUpdates or accepted by the
// webhook.
type queued struct {
	id      int64
	chat    int64 // webhook pushes of one chat go one after another
	body    []byte
	pushing bool // a webhook push of it is under way
	// handed: getUpdates returned it or a webhook push started, so the
	// bot may be working on it (InFlight).
	handed bool
}

// InFlight counts the updates handed to the bot (returned by getUpdates
// or pushed to the webhook) and not yet confirmed: the ones a crash of
// the bot at this moment leaves half done.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.queue {
		if q.handed {
			n++
		}
	}
	return n
}

// chatState is what the server knows of a chat.
type chatState struct {
	obj  chatObj
	last int // the newest message_id; people and the bot share the count
	msgs map[int]*message
}

// message is one message of a chat.
type message struct {
	obj map[string]any // the Message object as last sent or edited
	bot *Sent          // the bot's recording, with current Text and Buttons; nil for people's messages
}

// sentAt is the message's date.
func (m *message) sentAt() time.Time {
	unix, _ := m.obj["date"].(int64)
	return time.Unix(unix, 0)
}

func (s *Server) chatLocked(id int64) *chatState {
	ch := s.chats[id]
	if ch == nil {
		c := Chat{ID: id}
		if id < -1000000000000 { // Telegram's supergroup IDs start with -100
			c.Type = "supergroup"
		}
		ch = &chatState{obj: chatObject(c, s.users[id]), msgs: map[int]*message{}}
		s.chats[id] = ch
	}
	return ch
}

func (s *Server) messageLocked(chatID int64, id int) *message {
	if ch := s.chats[chatID]; ch != nil {
		return ch.msgs[id]
	}
	return nil
}

// newMessageLocked adds a message to a chat; fields hold its content.
func (s *Server) newMessageLocked(ch *chatState, from userObj, fields map[string]any) map[string]any {
	ch.last++
	msg := map[string]any{"message_id": ch.last, "from": from, "chat": ch.obj, "date": s.now().Unix()}
	maps.Copy(msg, fields)
	ch.msgs[ch.last] = &message{obj: msg}
	return msg
}

// personLocked remembers a person and the chat they write in.
func (s *Server) personLocked(c Chat, u User) *chatState {
	s.users[u.ID] = u
	ch := s.chatLocked(c.ID)
	ch.obj = chatObject(c, u)
	return ch
}

// userObj and chatObj are Telegram's User and Chat objects.
type userObj struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type chatObj struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

func userObject(u User, isBot bool) userObj {
	return userObj{ID: u.ID, IsBot: isBot, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func chatObject(c Chat, u User) chatObj {
	o := chatObj{ID: c.ID, Type: c.Type, Title: c.Title}
	if o.Type == "" {
		o.Type = "private"
		if c.ID < 0 {
			o.Type = "group"
		}
	}
	if o.Type == "private" {
		o.Title, o.FirstName, o.LastName, o.Username = "", u.FirstName, u.LastName, u.Username
	}
	return o
}

func privateChat(u User) Chat { return Chat{ID: u.ID, Type: "private"} }

// commandEntity marks a leading "/command" or "/command@bot" the way
// Telegram does, or returns nil.
func commandEntity(text string) map[string]any {
	n := 1
	for n < len(text) && (isWordByte(text[n]) || text[n] == '@') {
		n++
	}
	if len(text) == 0 || text[0] != '/' || n == 1 {
		return nil
	}
	return map[string]any{"type": "bot_command", "offset": 0, "length": n} // ASCII: bytes are UTF-16 units
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func textFields(text string) map[string]any {
	fields := map[string]any{"text": text}
	if e := commandEntity(text); e != nil {
		fields["entities"] = []any{e}
	}
	return fields
}

// SendText injects a text message from u in their private chat with the bot
// and returns its update_id.
func (s *Server) SendText(u User, text string) int64 { return s.ReplyTo(privateChat(u), u, 0, text) }

// SendTextIn injects a text message from u in chat c.
func (s *Server) SendTextIn(c Chat, u User, text string) int64 { return s.ReplyTo(c, u, 0, text) }

// ReplyTo injects a text message from u in chat c that replies to the
// message replyToMessageID (0: no reply).
func (s *Server) ReplyTo(c Chat, u User, replyToMessageID int, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.personLocked(c, u)
	fields := textFields(text)
	if replyToMessageID > 0 {
		fields["reply_to_message"] = replyTarget(ch, replyToMessageID)
	}
	return s.enqueueLocked(map[string]any{"message": s.newMessageLocked(ch, userObject(u, false), fields)})
}

// replyTarget is the message a reply quotes, without its own reply, as
// Telegram nests only one level.
func replyTarget(ch *chatState, id int) map[string]any {
	m := ch.msgs[id]
	if m == nil {
		return map[string]any{"message_id": id, "chat": ch.obj, "date": 0}
	}
	obj := maps.Clone(m.obj)
	delete(obj, "reply_to_message")
	return obj
}

// SendMedia injects a message of one kind from u in their private chat:
// photo, sticker, voice, audio, video, video_note, document, location,
// contact (u's own, as from a "share my number" button) or animation. The
// caption is dropped for kinds that have none. It panics on other kinds.
func (s *Server) SendMedia(u User, kind, caption string) int64 {
	return s.SendMediaIn(privateChat(u), u, 0, kind, caption)
}

// SendMediaIn is SendMedia in any chat, optionally as a reply to the
// message replyTo (a case manager answering with a photo in the staff group).
func (s *Server) SendMediaIn(c Chat, u User, replyTo int, kind, caption string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	fields := map[string]any{}
	switch kind {
	case "location":
		fields[kind] = map[string]any{"latitude": 52.520008, "longitude": 13.404954}
	case "contact":
		fields[kind] = map[string]any{"phone_number": "+4915112345678", "first_name": u.FirstName, "user_id": u.ID}
	case "photo", "sticker", "voice", "audio", "video", "video_note", "document", "animation":
		fields = s.mediaFieldsLocked(kind, "", 24576)
		if caption != "" && kind != "sticker" && kind != "video_note" {
			fields["caption"] = caption
		}
	default:
		panic(fmt.Sprintf("telegramtest: SendMedia: unknown kind %q", kind))
	}
	ch := s.personLocked(c, u)
	if replyTo > 0 {
		fields["reply_to_message"] = replyTarget(ch, replyTo)
	}
	return s.enqueueLocked(map[string]any{"message": s.newMessageLocked(ch, userObject(u, false), fields)})
}

// EditText injects an edited_message: u changed their message messageID in
// their private chat to text.
func (s *Server) EditText(u User, messageID int, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.personLocked(privateChat(u), u)
	obj := map[string]any{"message_id": messageID, "from": userObject(u, false), "chat": ch.obj, "date": s.now().Unix()}
	m := ch.msgs[messageID]
	if m != nil && m.bot == nil {
		obj = maps.Clone(m.obj)
	}
	if _, ok := obj["caption"]; ok { // a media message: its caption changes
		obj["caption"] = text
	} else {
		delete(obj, "entities")
		maps.Copy(obj, textFields(text))
	}
	obj["edit_date"] = s.now().Unix()
	if m != nil && m.bot == nil {
		m.obj = obj
	}
	return s.enqueueLocked(map[string]any{"edited_message": obj})
}

// Press injects a callback_query: u pressed a button with data under the
// bot's message messageID in their private chat. The query carries that
// message as last sent or edited; answer it with answerCallbackQuery.
func (s *Server) Press(u User, messageID int, data string) int64 {
	return s.PressIn(privateChat(u), u, messageID, data)
}

// PressIn is Press on a message in any chat, e.g. a card in a group.
func (s *Server) PressIn(c Chat, u User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.personLocked(c, u)
	var msg any = map[string]any{"message_id": messageID, "chat": ch.obj, "date": 0} // an inaccessible message
	if m := ch.msgs[messageID]; m != nil {
		msg = m.obj
	}
	s.nextCallback++
	id := fmt.Sprintf("%d%06d", u.ID, s.nextCallback)
	s.callbacks[id] = u.ID
	h := fnv.New64a()
	fmt.Fprint(h, u.ID)
	return s.enqueueLocked(map[string]any{"callback_query": map[string]any{
		"id": id, "from": userObject(u, false), "message": msg, "data": data,
		"chat_instance": strconv.FormatInt(int64(h.Sum64()>>1), 10),
	}})
}

// AddToGroup injects a my_chat_member update: by added the bot to chat c.
func (s *Server) AddToGroup(c Chat, by User) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.personLocked(c, by)
	s.members[[2]int64{c.ID, s.bot.ID}] = "member"
	bot := userObject(s.bot, true)
	return s.enqueueLocked(map[string]any{"my_chat_member": map[string]any{
		"chat": ch.obj, "from": userObject(by, false), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"user": bot, "status": "left"},
		"new_chat_member": map[string]any{"user": bot, "status": "member"},
	}})
}

// Block injects the my_chat_member update Telegram sends when u blocks
// the bot in their private chat; from then on whatever the bot sends
// there is refused with 403, as Telegram does.
func (s *Server) Block(u User) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.personLocked(privateChat(u), u)
	s.members[[2]int64{u.ID, s.bot.ID}] = "kicked"
	bot := userObject(s.bot, true)
	return s.enqueueLocked(map[string]any{"my_chat_member": map[string]any{
		"chat": ch.obj, "from": userObject(u, false), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"user": bot, "status": "member"},
		"new_chat_member": map[string]any{"user": bot, "status": "kicked", "until_date": 0},
	}})
}

// Inject queues a raw update, e.g. {"message": {...}}; the server sets its
// update_id. It panics if update cannot be marshalled to JSON.
func (s *Server) Inject(update map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueueLocked(update)
}

// enqueueLocked queues an update and returns its update_id, or 0 when
// allowed_updates excludes its type: Telegram then never creates it.
func (s *Server) enqueueLocked(fields map[string]any) int64 {
	kind := ""
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if k != "update_id" {
			kind = k
			break
		}
	}
	if !s.allowsLocked(kind) {
		return 0
	}
	update := maps.Clone(fields)
	update["update_id"] = s.nextUpdate
	body, err := json.Marshal(update)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: update is not JSON: %v", err))
	}
	q := &queued{id: s.nextUpdate, chat: chatKey(body), body: body}
	s.nextUpdate++
	s.queue = append(s.queue, q)
	s.wakeLocked()
	s.dispatchLocked()
	return q.id
}

func (s *Server) allowsLocked(kind string) bool {
	if len(s.allowed) == 0 {
		return kind != "chat_member" && kind != "message_reaction" && kind != "message_reaction_count"
	}
	return slices.Contains(s.allowed, kind)
}

func (s *Server) setAllowedLocked(r *request) *apiError {
	raw, ok := r.params["allowed_updates"]
	if !ok {
		return nil // Telegram keeps the previous setting
	}
	var allowed []string
	if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
		return badRequest("can't parse allowed updates")
	}
	s.allowed = allowed
	return nil
}

// chatKey finds the chat an update belongs to, or the user it comes from.
func chatKey(body []byte) int64 {
	var update map[string]json.RawMessage
	_ = json.Unmarshal(body, &update)
	for k, raw := range update {
		var v struct {
			Chat    *struct{ ID int64 }
			Message *struct{ Chat struct{ ID int64 } }
			From    *struct{ ID int64 }
		}
		if k == "update_id" || json.Unmarshal(raw, &v) != nil {
			continue
		}
		switch {
		case v.Chat != nil:
			return v.Chat.ID
		case v.Message != nil:
			return v.Message.Chat.ID
		case v.From != nil:
			return v.From.ID
		}
	}
	return 0
}

// wakeLocked wakes every long poll so it looks again.
func (s *Server) wakeLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// getUpdates follows Telegram: an offset confirms every update below it, a
// negative offset keeps only the newest -offset, and unconfirmed updates
// come again. A newer call or setWebhook ends a long poll with 409.
func getUpdates(s *Server, r *request) (any, *apiError) {
	offset, _ := r.int("offset")
	limit, ok := r.int("limit")
	if !ok || limit < 1 || limit > 100 {
		limit = 100 // Telegram clamps rather than refusing
	}
	timeout, _ := r.int("timeout")
	if err := s.setAllowedLocked(r); err != nil {
		return nil, err
	}
	if s.hook.url != "" {
		return nil, &apiError{409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0}
	}
	s.pollGen++
	gen := s.pollGen
	s.wakeLocked()
	switch {
	case offset > 0:
		s.queue = slices.DeleteFunc(s.queue, func(q *queued) bool { return q.id < offset })
	case offset < 0 && int64(len(s.queue)) > -offset:
		s.queue = s.queue[int64(len(s.queue))+offset:]
	}

	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for waited := timeout <= 0; ; {
		switch {
		case s.hook.url != "":
			return nil, &apiError{409, "Conflict: terminated by setWebhook request", 0}
		case gen != s.pollGen:
			return nil, &apiError{409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", 0}
		case len(s.queue) > 0 || waited:
			updates := []json.RawMessage{} // never null
			for _, q := range s.queue[:min(int(limit), len(s.queue))] {
				updates = append(updates, q.body)
				q.handed = true
				s.handedOut++
			}
			return updates, nil
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-timer.C:
			waited = true
		case <-r.ctx.Done():
			waited = true
		case <-s.done:
			waited = true
		}
		s.mu.Lock()
	}
}
