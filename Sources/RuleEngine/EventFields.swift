/// A request parameter a rule reads, resolved once when the pipeline is built.
public struct FieldName: Sendable, Hashable {
    /// The Twilio parameter name (`Body`, `Attributes`, `MessagingBinding.Address`, ...).
    public let name: String
    /// The name as UTF-8, so sources can compare keys without creating strings.
    public let utf8: [UInt8]
    /// Position in ``Pipeline/fieldNames``.
    public let index: Int
}

/// Where the pipeline reads an event's parameters from: a decoded form, a JSON line, a test dictionary.
///
/// The buffers returned must stay valid until ``Pipeline/evaluate(_:fields:workspace:)`` returns.
/// The pipeline copies what it keeps, so sources may point into their own reused buffers.
public protocol EventFields {
    /// The value of the parameter as UTF-8 bytes, or `nil` when the request does not carry it.
    func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>?
}
