import JSONBytes

/// The Twilio Conversations pre-events (the ones that may be modified or rejected before they happen).
///
/// Post-events (`onMessageAdded`, ...) are not here: they cannot be changed, so no rule applies to them.
public enum PreEventType: String, CaseIterable, Sendable, Hashable, Codable {
    case onMessageAdd, onMessageUpdate, onMessageRemove
    case onConversationAdd, onConversationUpdate, onConversationRemove
    case onParticipantAdd, onParticipantUpdate, onParticipantRemove
    case onUserUpdate

    /// Parses an `EventType` value given as UTF-8 bytes, without creating a `String`.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        for event in PreEventType.allCases where bytes.sameBytes(as: event.utf8Name) {
            self = event
            return
        }
        return nil
    }

    /// The event name as bytes (precomputed once: no `String` work per request).
    public var utf8Name: [UInt8] { PreEventType.utf8Names[index] }

    /// Position in `allCases` (a switch: this is read on every evaluation).
    public var index: Int {
        switch self {
        case .onMessageAdd: return 0
        case .onMessageUpdate: return 1
        case .onMessageRemove: return 2
        case .onConversationAdd: return 3
        case .onConversationUpdate: return 4
        case .onConversationRemove: return 5
        case .onParticipantAdd: return 6
        case .onParticipantUpdate: return 7
        case .onParticipantRemove: return 8
        case .onUserUpdate: return 9
        }
    }
    private static let utf8Names: [[UInt8]] = allCases.map { Array($0.rawValue.utf8) }

    /// Default events for rules that name none: new and edited messages.
    public static let messageEvents: [PreEventType] = [.onMessageAdd, .onMessageUpdate]

    /// The answer key for a request parameter this event may change, or `nil` if it may not.
    ///
    /// From the shared protocol note: messages may change `body`, `author`, `attributes`;
    /// conversations `friendly_name` (documented) and `attributes` (Twilio's Frontline sample).
    /// Participant, user and remove events may only be allowed or rejected. `UniqueName` is an open
    /// question in the note, so it is not rewritable here.
    public func answerKey(forField field: String) -> String? {
        switch self {
        case .onMessageAdd, .onMessageUpdate:
            switch field {
            case "Body": return "body"
            case "Author": return "author"
            case "Attributes": return "attributes"
            default: return nil
            }
        case .onConversationAdd, .onConversationUpdate:
            switch field {
            case "FriendlyName": return "friendly_name"
            case "Attributes": return "attributes"
            default: return nil
            }
        case .onMessageRemove, .onConversationRemove, .onParticipantAdd, .onParticipantUpdate,
             .onParticipantRemove, .onUserUpdate:
            return nil
        }
    }
}
