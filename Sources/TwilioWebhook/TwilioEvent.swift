import JSONBytes
import RuleEngine

/// Twilio Conversations post-events: notifications after the fact. Sent to the pre-event URL by
/// mistake they are answered 200 (nothing can be changed) and counted.
public enum PostEventType: String, CaseIterable, Sendable {
    case onMessageAdded, onMessageUpdated, onMessageRemoved
    case onConversationAdded, onConversationUpdated, onConversationRemoved, onConversationStateUpdated
    case onParticipantAdded, onParticipantUpdated, onParticipantRemoved
    case onDeliveryUpdated, onUserAdded, onUserUpdated
}

public enum TwilioEventKind: Sendable, Hashable {
    case pre(PreEventType)
    case post(PostEventType)
    /// An event type this gateway does not know (Twilio adds events over time): let through, counted.
    case unknown
}

public enum TwilioEvent {
    private static let postNames: [[UInt8]] = PostEventType.allCases.map { Array($0.rawValue.utf8) }

    /// Classifies an `EventType` value (exact, case-sensitive, as Twilio sends it) without creating a string.
    public static func classify(_ eventType: UnsafeBufferPointer<UInt8>) -> TwilioEventKind {
        if let pre = PreEventType(utf8: eventType) { return .pre(pre) }
        for (index, name) in postNames.enumerated() where eventType.sameBytes(as: name) {
            return .post(PostEventType.allCases[index])
        }
        return .unknown
    }
}

extension PreEventType {
    /// The parameters the protocol note says this event carries, besides `AccountSid`, `EventType`,
    /// `Source`, `ClientIdentity`, `ChatServiceSid` and `RetryCount`, which every event has.
    /// Unknown parameters are kept and never fail a request: Twilio adds them over time.
    public var documentedParameters: [String] {
        let binding = ["MessagingBinding.Address", "MessagingBinding.ProxyAddress", "MessagingBinding.ProjectedAddress"]
        switch self {
        case .onMessageAdd:
            return ["ConversationSid", "Body", "Author", "ParticipantSid", "Attributes", "Media"] + binding
        case .onMessageUpdate, .onMessageRemove:
            return ["ConversationSid", "Body", "Author", "ParticipantSid", "Attributes", "Media", "MessageSid", "Index",
                    "DateCreated", "DateUpdated"] + binding
        case .onConversationAdd:
            return ["FriendlyName", "UniqueName", "Attributes", "MessagingServiceSid", "State", "MessageBody", "Media"] + binding
        case .onConversationUpdate, .onConversationRemove:
            return ["ConversationSid", "FriendlyName", "UniqueName", "Attributes", "MessagingServiceSid", "State",
                    "DateCreated", "DateUpdated"]
        case .onParticipantAdd:
            return ["ConversationSid", "Identity", "RoleSid", "Attributes", "MessagingBinding.Type"] + binding
        case .onParticipantUpdate, .onParticipantRemove:
            return ["ConversationSid", "ParticipantSid", "Identity", "RoleSid", "Attributes", "DateCreated", "DateUpdated",
                    "MessagingBinding.Type"] + binding
        case .onUserUpdate:
            return ["UserSid", "Identity", "RoleSid", "Attributes", "FriendlyName"]
        }
    }

    /// The parameters an answer may change for this event (see ``answerKey(forField:)``).
    public var modifiableParameters: [String] {
        documentedParameters.filter { answerKey(forField: $0) != nil }
    }

    /// The post-event Twilio sends once this action has happened.
    public var postEvent: PostEventType {
        switch self {
        case .onMessageAdd: return .onMessageAdded
        case .onMessageUpdate: return .onMessageUpdated
        case .onMessageRemove: return .onMessageRemoved
        case .onConversationAdd: return .onConversationAdded
        case .onConversationUpdate: return .onConversationUpdated
        case .onConversationRemove: return .onConversationRemoved
        case .onParticipantAdd: return .onParticipantAdded
        case .onParticipantUpdate: return .onParticipantUpdated
        case .onParticipantRemove: return .onParticipantRemoved
        case .onUserUpdate: return .onUserUpdated
        }
    }
}
