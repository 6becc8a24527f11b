package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// request is one Bot API call as a handler sees it. Its accessors keep the
// first bad parameter in err, so that a handler checks once.
type request struct {
	ctx    context.Context
	params map[string]string
	files  map[string]upload
	rec    Sent // recorded if the call succeeds; handlers fill in what they know
	err    *apiError
}

func (r *request) fail(desc string) {
	if r.err == nil {
		r.err = badRequest(desc)
	}
}

func (r *request) int(name string) (int64, bool) {
	n, err := strconv.ParseInt(r.params[name], 10, 64)
	return n, err == nil
}

func (r *request) bool(name string) bool {
	b, _ := strconv.ParseBool(r.params[name])
	return b
}

func (r *request) chatID(name string) int64 {
	id, ok := r.int(name)
	switch {
	case r.params[name] == "":
		r.fail(name + " is empty")
	case !ok:
		r.fail("chat not found") // "@channel" names are not supported
	}
	return id
}

func (r *request) messageID() int {
	id, ok := r.int("message_id")
	if !ok || id <= 0 {
		r.fail("message identifier is not specified")
	}
	return int(id)
}

func (r *request) float(name string) float64 {
	f, err := strconv.ParseFloat(r.params[name], 64)
	if err != nil {
		r.fail("wrong " + name + " specified")
	}
	return f
}

func (r *request) required(name, desc string) string {
	if r.params[name] == "" {
		r.fail(desc)
	}
	return r.params[name]
}

type method struct {
	name    string
	fn      func(*Server, *request) (any, *apiError)
	records bool // its successful calls show in Sent
}

// methods maps lower-cased names to methods, as Telegram's are
// case-insensitive.
var methods map[string]method

// init builds methods because, as a variable initializer, the table would
// depend on itself: setWebhook leads to pushes, whose responses may call
// methods.
func init() {
	methods = map[string]method{}
	for _, m := range []method{
		{"getMe", getMe, false},
		{"getUpdates", getUpdates, false},
		{"setWebhook", setWebhook, false},
		{"deleteWebhook", deleteWebhook, false},
		{"getWebhookInfo", getWebhookInfo, false},
		{"sendMessage", sendMessage, true},
		{"sendPhoto", sendFile("photo"), true},
		{"sendDocument", sendFile("document"), true},
		{"sendAudio", sendFile("audio"), true},
		{"sendVoice", sendFile("voice"), true},
		{"sendVideo", sendFile("video"), true},
		{"sendVideoNote", sendFile("video_note"), true},
		{"sendAnimation", sendFile("animation"), true},
		{"sendSticker", sendFile("sticker"), true},
		{"sendLocation", sendLocation, true},
		{"sendVenue", sendVenue, true},
		{"sendContact", sendContact, true},
		{"sendChatAction", sendChatAction, false}, // produces no message
		{"editMessageText", editMessageText, true},
		{"editMessageReplyMarkup", editMessageReplyMarkup, true},
		{"answerCallbackQuery", answerCallbackQuery, true},
		{"copyMessage", copyMessage, true},
		{"forwardMessage", forwardMessage, true},
		{"deleteMessage", deleteMessage, true},
		{"leaveChat", leaveChat, true},
		{"setMyCommands", setMyCommands, false},
		{"getMyCommands", getMyCommands, false},
		{"deleteMyCommands", deleteMyCommands, false},
		{"getChat", getChat, false},
		{"getChatMember", getChatMember, false},
	} {
		methods[strings.ToLower(m.name)] = m
	}
}

func getMe(s *Server, _ *request) (any, *apiError) {
	return struct {
		userObj
		CanJoinGroups   bool `json:"can_join_groups"`
		CanReadAll      bool `json:"can_read_all_group_messages"`
		SupportsInlineQ bool `json:"supports_inline_queries"`
	}{userObject(s.bot, true), true, false, false}, nil
}

// sendLocked adds the bot's message with content fields to the chat in
// chat_id, honouring reply_markup and reply_to_message_id. It is where
// every send reports the first bad parameter.
func (s *Server) sendLocked(r *request, fields map[string]any, text string) (any, *apiError) {
	chatID := r.chatID("chat_id")
	markup, buttons := r.markup()
	if r.err != nil {
		return nil, r.err
	}
	ch := s.chatLocked(chatID)
	if id, ok := r.int("reply_to_message_id"); ok && id > 0 {
		switch {
		case ch.msgs[int(id)] != nil:
			fields["reply_to_message"] = replyTarget(ch, int(id))
		case !r.bool("allow_sending_without_reply"):
			return nil, badRequest("message to be replied not found")
		}
	}
	if markup != nil {
		fields["reply_markup"] = markup
	}
	msg := s.newMessageLocked(ch, userObject(s.bot, true), fields)
	r.rec.ChatID, r.rec.MessageID, r.rec.Text, r.rec.Buttons = chatID, ch.last, text, buttons
	rec := r.rec
	ch.msgs[ch.last].bot = &rec
	return msg, nil
}

// markup checks reply_markup as Telegram does. Only an inline keyboard
// becomes part of the message; reply keyboards are accepted and dropped.
func (r *request) markup() (any, [][]Button) {
	var m struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	raw := r.params["reply_markup"]
	if raw == "" {
		return nil, nil
	}
	if json.Unmarshal([]byte(raw), &m) != nil {
		r.fail("can't parse reply keyboard markup JSON object")
	}
	if len(m.InlineKeyboard) == 0 {
		return nil, nil
	}
	buttons := make([][]Button, len(m.InlineKeyboard))
	for i, row := range m.InlineKeyboard {
		for _, b := range row {
			text, _ := b["text"].(string)
			data, _ := b["callback_data"].(string)
			link, _ := b["url"].(string)
			if _, ok := b["callback_data"]; ok && (len(data) < 1 || len(data) > 64) {
				r.fail("BUTTON_DATA_INVALID")
			}
			if len(b) < 2 {
				r.fail("text buttons are unallowed in the inline keyboard")
			}
			buttons[i] = append(buttons[i], Button{Text: text, CallbackData: data, URL: link})
		}
	}
	return map[string]any{"inline_keyboard": m.InlineKeyboard}, buttons
}

func withEntities(fields map[string]any, key string, entities []any) map[string]any {
	delete(fields, key)
	if len(entities) > 0 {
		fields[key] = entities
	}
	return fields
}

func sendMessage(s *Server, r *request) (any, *apiError) {
	text, entities := r.text("text")
	if strings.TrimSpace(text) == "" {
		r.fail("message text is empty")
	}
	return s.sendLocked(r, withEntities(map[string]any{"text": text}, "entities", entities), text)
}

func sendFile(kind string) func(*Server, *request) (any, *apiError) {
	return func(s *Server, r *request) (any, *apiError) {
		caption, entities := r.text("caption")
		f, uploaded := r.files[kind]
		ref := r.params[kind]
		var fields map[string]any
		switch {
		case uploaded || strings.Contains(ref, "://"): // Telegram keeps the file and hands out its own file_id
			fields = s.mediaFieldsLocked(kind, f.name, len(f.data))
			r.rec.FileName, r.rec.FileBytes = f.name, f.data
		case ref != "":
			fields = mediaFields(kind, ref, "", 0)
		default:
			fields = map[string]any{}
			r.fail("there is no " + kind + " in the request")
		}
		if caption != "" && kind != "sticker" && kind != "video_note" {
			fields["caption"] = caption
			withEntities(fields, "caption_entities", entities)
		}
		return s.sendLocked(r, fields, caption)
	}
}

func (s *Server) mediaFieldsLocked(kind, name string, size int) map[string]any {
	s.nextFile++
	return mediaFields(kind, fmt.Sprintf("%s-%d", kind, s.nextFile), name, size)
}

var defaultFileNames = map[string]string{
	"document": "document.pdf", "audio": "audio.mp3", "video": "video.mp4", "animation": "animation.mp4",
}

// mediaFields builds the message fields for one kind of file, with sizes and
// durations plausible enough for a client to decode.
func mediaFields(kind, fileID, name string, size int) map[string]any {
	f := map[string]any{"file_id": fileID, "file_unique_id": "u" + fileID}
	if size > 0 {
		f["file_size"] = size
	}
	set := func(kv ...any) {
		for i := 0; i < len(kv); i += 2 {
			f[kv[i].(string)] = kv[i+1]
		}
	}
	switch kind {
	case "photo":
		small := maps.Clone(f)
		small["file_id"], small["file_unique_id"], small["width"], small["height"] = fileID+"-s", "u"+fileID+"-s", 90, 67
		set("width", 1280, "height", 960)
		return map[string]any{"photo": []any{small, f}}
	case "sticker":
		set("type", "regular", "width", 512, "height", 512, "is_animated", false, "is_video", false, "emoji", "👍")
	case "voice":
		set("duration", 3, "mime_type", "audio/ogg")
	case "video_note":
		set("length", 240, "duration", 5)
	default: // document, audio, video, animation
		if name == "" {
			name = defaultFileNames[kind]
		}
		set("file_name", name, "mime_type", mimeType(name))
		switch kind {
		case "audio":
			set("duration", 120)
		case "video", "animation":
			set("width", 1280, "height", 720, "duration", 10)
		}
	}
	fields := map[string]any{kind: f}
	if kind == "animation" {
		fields["document"] = f // for clients that predate animations, as Telegram does
	}
	return fields
}

func mimeType(name string) string {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".mp3":
		return "audio/mpeg"
	case ".mp4":
		return "video/mp4"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}

func (r *request) location() map[string]any {
	return map[string]any{"latitude": r.float("latitude"), "longitude": r.float("longitude")}
}

func sendLocation(s *Server, r *request) (any, *apiError) {
	return s.sendLocked(r, map[string]any{"location": r.location()}, "")
}

func sendVenue(s *Server, r *request) (any, *apiError) {
	loc, title := r.location(), r.required("title", "venue title must be non-empty")
	venue := map[string]any{"location": loc, "title": title, "address": r.required("address", "venue address must be non-empty")}
	return s.sendLocked(r, map[string]any{"venue": venue, "location": loc}, title)
}

func sendContact(s *Server, r *request) (any, *apiError) {
	first := r.required("first_name", "contact first name must be non-empty")
	contact := map[string]any{"phone_number": r.required("phone_number", "phone number must be non-empty"), "first_name": first}
	if last := r.params["last_name"]; last != "" {
		contact["last_name"] = last
	}
	return s.sendLocked(r, map[string]any{"contact": contact}, first)
}

func sendChatAction(_ *Server, r *request) (any, *apiError) {
	r.chatID("chat_id")
	r.required("action", "wrong parameter action in request")
	return true, r.err
}

func editMessageText(s *Server, r *request) (any, *apiError) {
	text, entities := r.text("text")
	if strings.TrimSpace(text) == "" {
		r.fail("message text is empty")
	}
	return s.editLocked(r, &text, entities)
}

func editMessageReplyMarkup(s *Server, r *request) (any, *apiError) {
	return s.editLocked(r, nil, nil)
}

// editLocked changes the bot's message. Like Telegram it drops the inline
// keyboard unless reply_markup repeats it, and refuses edits that change
// nothing.
func (s *Server) editLocked(r *request, text *string, entities []any) (any, *apiError) {
	markup, buttons := r.markup()
	if r.params["inline_message_id"] != "" && r.err == nil { // inline-mode messages are not kept
		r.rec.Buttons = buttons
		if text != nil {
			r.rec.Text = *text
		}
		return true, nil
	}
	chatID, id := r.chatID("chat_id"), r.messageID()
	if r.err != nil {
		return nil, r.err
	}
	m := s.messageLocked(chatID, id)
	switch {
	case m == nil:
		return nil, badRequest("message to edit not found")
	case m.bot == nil:
		return nil, badRequest("message can't be edited")
	}
	obj := maps.Clone(m.obj)
	if text != nil {
		if _, ok := obj["text"]; !ok {
			return nil, badRequest("there is no text in the message to edit")
		}
		obj["text"] = *text
		withEntities(obj, "entities", entities)
	}
	delete(obj, "reply_markup")
	if markup != nil {
		obj["reply_markup"] = markup
	}
	before, _ := json.Marshal(m.obj)
	after, _ := json.Marshal(obj)
	if bytes.Equal(before, after) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	obj["edit_date"] = r.rec.At.Unix()
	m.obj = obj
	if text != nil {
		m.bot.Text = *text
	}
	m.bot.Buttons, m.bot.At = buttons, r.rec.At
	r.rec.ChatID, r.rec.MessageID, r.rec.Text, r.rec.Buttons = chatID, id, m.bot.Text, buttons
	return obj, nil
}

func answerCallbackQuery(s *Server, r *request) (any, *apiError) {
	id := r.params["callback_query_id"]
	chat, ok := s.callbacks[id]
	if !ok {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	delete(s.callbacks, id)
	r.rec.ChatID, r.rec.Text = chat, r.params["text"]
	return true, nil
}

// sourceLocked finds the message that copyMessage or forwardMessage names and
// returns its content: all but who, where and when.
func (s *Server) sourceLocked(r *request, notFound string) (src, content map[string]any) {
	m := s.messageLocked(r.chatID("from_chat_id"), r.messageID())
	if m == nil {
		r.fail(notFound)
		return nil, map[string]any{}
	}
	content = maps.Clone(m.obj)
	for _, k := range []string{"message_id", "from", "chat", "date", "edit_date", "reply_to_message", "reply_markup",
		"forward_from", "forward_date", "forward_origin"} {
		delete(content, k)
	}
	return m.obj, content
}

func textOf(fields map[string]any) string {
	if t, ok := fields["text"].(string); ok {
		return t
	}
	c, _ := fields["caption"].(string)
	return c
}

func copyMessage(s *Server, r *request) (any, *apiError) {
	_, fields := s.sourceLocked(r, "message to copy not found")
	if _, ok := r.params["caption"]; ok && fields["text"] == nil {
		caption, entities := r.text("caption")
		fields["caption"] = caption
		withEntities(fields, "caption_entities", entities)
	}
	msg, err := s.sendLocked(r, fields, textOf(fields))
	if err != nil {
		return nil, err
	}
	return map[string]any{"message_id": msg.(map[string]any)["message_id"]}, nil
}

func forwardMessage(s *Server, r *request) (any, *apiError) {
	src, fields := s.sourceLocked(r, "message to forward not found")
	if src != nil {
		fields["forward_from"], fields["forward_date"] = src["from"], src["date"]
		fields["forward_origin"] = map[string]any{"type": "user", "sender_user": src["from"], "date": src["date"]}
	}
	return s.sendLocked(r, fields, textOf(fields))
}

func deleteMessage(s *Server, r *request) (any, *apiError) {
	chatID, id := r.chatID("chat_id"), r.messageID()
	if r.err == nil {
		switch m := s.messageLocked(chatID, id); {
		case m == nil:
			r.fail("message to delete not found")
		case chatID < 0 && s.now().Sub(m.sentAt()) > 48*time.Hour:
			// Bots may delete messages in groups for 48 hours only.
			r.fail("message can't be deleted for everyone")
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	delete(s.chats[chatID].msgs, id)
	r.rec.ChatID, r.rec.MessageID = chatID, id
	return true, nil
}

func leaveChat(s *Server, r *request) (any, *apiError) {
	chatID := r.chatID("chat_id")
	if r.err != nil {
		return nil, r.err
	}
	s.members[[2]int64{chatID, s.bot.ID}] = "left"
	r.rec.ChatID = chatID
	return true, nil
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// commandsKey tells apart command lists by scope and language.
func commandsKey(r *request) string {
	scope := `{"type":"default"}`
	var v any
	if json.Unmarshal([]byte(r.params["scope"]), &v) == nil {
		b, _ := json.Marshal(v)
		scope = string(b)
	}
	return scope + " " + r.params["language_code"]
}

func setMyCommands(s *Server, r *request) (any, *apiError) {
	var cmds []struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	if json.Unmarshal([]byte(r.params["commands"]), &cmds) != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(c.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	b, _ := json.Marshal(cmds)
	s.commands[commandsKey(r)] = string(b)
	return true, nil
}

func getMyCommands(s *Server, r *request) (any, *apiError) {
	if cmds, ok := s.commands[commandsKey(r)]; ok {
		return json.RawMessage(cmds), nil
	}
	return []any{}, nil
}

func deleteMyCommands(s *Server, r *request) (any, *apiError) {
	delete(s.commands, commandsKey(r))
	return true, nil
}

func getChat(s *Server, r *request) (any, *apiError) {
	ch := s.chats[r.chatID("chat_id")]
	if ch == nil {
		r.fail("chat not found")
	}
	if r.err != nil {
		return nil, r.err
	}
	return ch.obj, nil
}

func getChatMember(s *Server, r *request) (any, *apiError) {
	chatID := r.chatID("chat_id")
	userID, ok := r.int("user_id")
	if !ok {
		r.fail("invalid user_id specified")
	}
	if r.err != nil {
		return nil, r.err
	}
	user := userObject(User{ID: userID}, false)
	if u, ok := s.users[userID]; ok {
		user = userObject(u, false)
	} else if userID == s.bot.ID {
		user = userObject(s.bot, true)
	}
	status, ok := s.members[[2]int64{chatID, userID}]
	if !ok {
		status = "member"
	}
	return map[string]any{"user": user, "status": status}, nil
}
