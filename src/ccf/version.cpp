namespace capif::ccf {
const char* version() { return "0.1.0"; }
}  // namespace capif::ccf
