// split-sms ships no types: the part of its API the segment tests use (test/domain/segments.happy.test.ts).
declare module "split-sms" {
  const splitter: {
    split(text: string): { characterSet: "GSM" | "Unicode"; parts: { content: string; length: number }[] };
  };
  export default splitter;
}
