"""A minimal DICOM Part 10 parser and writer for the fuzz corpus (Python 3 standard library only).

It reads the file meta information and a data set in Implicit VR Little Endian, Explicit VR Little Endian, Explicit VR
Big Endian (and RLE / other encapsulated syntaxes, whose Pixel Data stays a list of fragments), keeps sequences as
nested data sets, and writes them back with recomputed lengths (undefined lengths stay undefined). Unchanged data sets
round-trip byte for byte. It exists so that the fuzzer can edit header fields (Rows, PixelSpacing, ContourData, ...)
without pydicom; it makes no attempt to validate anything.
"""
import struct
import zlib

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
DEFLATED_LE = "1.2.840.10008.1.2.1.99"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
RLE = "1.2.840.10008.1.2.5"
JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG2000 = "1.2.840.10008.1.2.4.90"

LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
ITEM, ITEM_END, SEQ_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD
UNDEFINED = 0xFFFFFFFF
PIXEL_DATA = 0x7FE00010

# Tags used by the fuzzer (group << 16 | element).
T = dict(
    TransferSyntaxUID=0x00020010, MetaGroupLength=0x00020000, SOPClassUID=0x00080016, SOPInstanceUID=0x00080018,
    Modality=0x00080060, SliceThickness=0x00180050, SpacingBetweenSlices=0x00180088,
    StudyInstanceUID=0x0020000D, SeriesInstanceUID=0x0020000E, InstanceNumber=0x00200013,
    ImagePositionPatient=0x00200032, ImageOrientationPatient=0x00200037, FrameOfReferenceUID=0x00200052,
    SamplesPerPixel=0x00280002, PhotometricInterpretation=0x00280004, NumberOfFrames=0x00280008,
    Rows=0x00280010, Columns=0x00280011, PixelSpacing=0x00280030, BitsAllocated=0x00280100,
    BitsStored=0x00280101, HighBit=0x00280102, PixelRepresentation=0x00280103, RescaleIntercept=0x00281052,
    RescaleSlope=0x00281053, PixelData=PIXEL_DATA,
    # RT structure set
    ReferencedFrameOfReferenceSequence=0x30060010, StructureSetROISequence=0x30060020, ROINumber=0x30060022,
    ReferencedFrameOfReferenceUID=0x30060024, ROIName=0x30060026, ROIContourSequence=0x30060039,
    ContourSequence=0x30060040, ContourGeometricType=0x30060042, NumberOfContourPoints=0x30060046,
    ContourData=0x30060050, ReferencedROINumber=0x30060084, RTROIObservationsSequence=0x30060080,
    PerFrameFunctionalGroupsSequence=0x52009230, SharedFunctionalGroupsSequence=0x52009229,
)

# VRs of the tags the fuzzer may add to an implicit-VR file (only needed when writing explicit VR).
VR_OF = {T["Rows"]: b"US", T["Columns"]: b"US", T["BitsAllocated"]: b"US", T["BitsStored"]: b"US",
         T["HighBit"]: b"US", T["PixelRepresentation"]: b"US", T["SamplesPerPixel"]: b"US",
         T["PixelSpacing"]: b"DS", T["ImagePositionPatient"]: b"DS", T["ImageOrientationPatient"]: b"DS",
         T["RescaleSlope"]: b"DS", T["RescaleIntercept"]: b"DS", T["NumberOfFrames"]: b"IS",
         T["ContourData"]: b"DS", T["NumberOfContourPoints"]: b"IS"}


class Element:
    __slots__ = ("tag", "vr", "value", "items", "undefined", "fragments", "offset")

    def __init__(self, tag, vr=None, value=b"", items=None, undefined=False, fragments=None):
        self.tag, self.vr, self.value, self.items = tag, vr, value, items
        self.undefined, self.fragments, self.offset = undefined, fragments, None

    @property
    def is_sequence(self):
        return self.items is not None

    def text(self):
        return self.value.rstrip(b"\x00 ").decode("latin-1")

    def __repr__(self):
        return f"Element({self.tag:08X}, {self.vr}, len={len(self.value)})"


class DicomFile:
    """preamble: the 128 bytes before DICM, or None; meta: list of Elements (group 2); dataset: list of Elements."""

    def __init__(self, preamble, meta, dataset, ts, trailing=b"", deflated=False):
        self.preamble, self.meta, self.dataset, self.ts = preamble, meta, dataset, ts
        self.trailing, self.deflated = trailing, deflated

    # --- access -------------------------------------------------------------------------------------------------
    def find(self, tag, dataset=None):
        for e in (self.dataset if dataset is None else dataset):
            if e.tag == tag:
                return e
        return None

    def walk(self, dataset=None):
        """Every element, depth first, with its containing data set."""
        for e in (self.dataset if dataset is None else dataset):
            yield e, (self.dataset if dataset is None else dataset)
            if e.items is not None:
                for item in e.items:
                    yield from self.walk(item)

    def little(self):
        return self.ts != EXPLICIT_BE

    def explicit(self):
        return self.ts != IMPLICIT_LE

    def set(self, tag, value, vr=None, dataset=None):
        ds = self.dataset if dataset is None else dataset
        value = pad(value, vr or self.vr_of(tag, ds))
        e = self.find(tag, ds)
        if e is None:
            e = Element(tag, vr or VR_OF.get(tag, b"UN"), value)
            ds.append(e)
            ds.sort(key=lambda x: x.tag)
        else:
            e.value = value
        return e

    def vr_of(self, tag, ds):
        e = self.find(tag, ds)
        if e is not None and e.vr:
            return e.vr
        return VR_OF.get(tag)

    def remove(self, tag, dataset=None):
        ds = self.dataset if dataset is None else dataset
        n = len(ds)
        ds[:] = [e for e in ds if e.tag != tag]
        return len(ds) != n

    def us(self, tag, dataset=None):
        e = self.find(tag, dataset)
        if e is None or len(e.value) < 2:
            return None
        return struct.unpack(("<" if self.little() else ">") + "H", e.value[:2])[0]

    def set_us(self, tag, v, dataset=None):
        return self.set(tag, struct.pack(("<" if self.little() else ">") + "H", v & 0xFFFF), b"US", dataset)

    def ds_values(self, tag, dataset=None):
        e = self.find(tag, dataset)
        if e is None:
            return None
        return [x.strip() for x in e.text().split("\\")]

    def set_text(self, tag, text, vr=b"DS", dataset=None):
        return self.set(tag, text.encode("latin-1"), vr, dataset)

    def meta_ts(self, uid):
        e = self.find(T["TransferSyntaxUID"], self.meta)
        if e is not None:
            e.value = pad(uid.encode(), b"UI")

    # --- writing ------------------------------------------------------------------------------------------------
    def to_bytes(self, fix_group_length=True, ts=None):
        ts = ts or self.ts
        out = bytearray()
        if self.preamble is not None:
            out += self.preamble + b"DICM"
        if self.meta:
            body = b"".join(encode_element(e, True, True) for e in self.meta if e.tag != T["MetaGroupLength"])
            gl = self.find(T["MetaGroupLength"], self.meta)
            if gl is not None:
                if fix_group_length:
                    gl.value = struct.pack("<I", len(body))
                out += encode_element(gl, True, True)
            out += body
        data = b"".join(encode_element(e, ts != IMPLICIT_LE, ts != EXPLICIT_BE) for e in self.dataset)
        if self.deflated:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(data) + c.flush()
            if len(data) % 2:
                data += b"\x00"
        out += data
        out += self.trailing
        return bytes(out)


def pad(value, vr):
    if len(value) % 2 == 0:
        return value
    return value + (b"\x00" if vr in (b"UI", b"OB", b"UN", None) else b" ")


def _tag(data, pos, little):
    g, e = struct.unpack_from("<HH" if little else ">HH", data, pos)
    return (g << 16) | e


def encode_tag(tag, little):
    return struct.pack("<HH" if little else ">HH", tag >> 16, tag & 0xFFFF)


def encode_element(e, explicit, little):
    en = "<" if little else ">"
    out = bytearray(encode_tag(e.tag, little))
    vr = e.vr or VR_OF.get(e.tag, b"UN")
    if e.items is not None:
        body = bytearray()
        for item in e.items:
            content = b"".join(encode_element(x, explicit, little) for x in item)
            undefined_item = getattr(item, "undefined", False)
            body += encode_tag(ITEM, little) + struct.pack(en + "I", UNDEFINED if undefined_item else len(content))
            body += content
            if undefined_item:
                body += encode_tag(ITEM_END, little) + struct.pack(en + "I", 0)
        if e.undefined:
            body += encode_tag(SEQ_END, little) + struct.pack(en + "I", 0)
        length = UNDEFINED if e.undefined else len(body)
        if explicit:
            out += b"SQ\x00\x00" + struct.pack(en + "I", length)
        else:
            out += struct.pack(en + "I", length)
        return bytes(out + body)
    if e.fragments is not None:
        body = bytearray()
        for f in e.fragments:
            body += encode_tag(ITEM, little) + struct.pack(en + "I", len(f)) + f
        body += encode_tag(SEQ_END, little) + struct.pack(en + "I", 0)
        if explicit:
            out += vr + b"\x00\x00" + struct.pack(en + "I", UNDEFINED)
        else:
            out += struct.pack(en + "I", UNDEFINED)
        return bytes(out + body)
    value = e.value
    if explicit:
        if vr in LONG_VRS:
            out += vr + b"\x00\x00" + struct.pack(en + "I", len(value))
        else:
            out += vr + struct.pack(en + "H", min(len(value), 0xFFFF))
    else:
        out += struct.pack(en + "I", len(value))
    return bytes(out + value)


class Item(list):
    undefined = False


def parse(data):
    """Parses a DICOM file; raises ValueError when it cannot."""
    pos = 0
    preamble = None
    if len(data) >= 132 and data[128:132] == b"DICM":
        preamble, pos = data[:128], 132
    meta = []
    ts = IMPLICIT_LE
    if len(data) >= pos + 6 and _tag(data, pos, True) >> 16 == 0x0002 and data[pos + 4:pos + 6].isalpha():
        while pos + 8 <= len(data) and _tag(data, pos, True) >> 16 == 0x0002:
            e, pos = _read_element(data, pos, True, True, len(data))
            meta.append(e)
        tse = next((e for e in meta if e.tag == T["TransferSyntaxUID"]), None)
        if tse is not None:
            ts = tse.text()
    deflated = ts == DEFLATED_LE
    body = data[pos:]
    if deflated:
        body = zlib.decompress(body, -15)
    explicit = ts != IMPLICIT_LE
    little = ts != EXPLICIT_BE
    dataset = []
    p = 0
    while p + 8 <= len(body):
        e, p = _read_element(body, p, explicit, little, len(body))
        dataset.append(e)
    trailing = b"" if deflated else body[p:]
    return DicomFile(preamble, meta, dataset, ts, trailing, deflated)


def _read_element(data, pos, explicit, little, end):
    en = "<" if little else ">"
    start = pos
    tag = _tag(data, pos, little)
    pos += 4
    vr = None
    if explicit and tag not in (ITEM, ITEM_END, SEQ_END):
        vr = bytes(data[pos:pos + 2])
        if vr in LONG_VRS:
            length = struct.unpack_from(en + "I", data, pos + 4)[0]
            pos += 8
        elif vr.isalpha() and vr.isupper():
            length = struct.unpack_from(en + "H", data, pos + 2)[0]
            pos += 4
        else:
            raise ValueError(f"bad VR at {start}")
    else:
        length = struct.unpack_from(en + "I", data, pos)[0]
        pos += 4
    is_seq = vr == b"SQ"
    if not explicit and tag != PIXEL_DATA:
        if length == UNDEFINED:
            is_seq = True
        elif length >= 8 and pos + 4 <= end and _tag(data, pos, little) == ITEM:
            is_seq = True
    if tag == PIXEL_DATA and length == UNDEFINED:
        frags = []
        while True:
            t = _tag(data, pos, little)
            ln = struct.unpack_from(en + "I", data, pos + 4)[0]
            pos += 8
            if t == SEQ_END:
                break
            if t != ITEM:
                raise ValueError("bad fragment")
            frags.append(bytes(data[pos:pos + ln]))
            pos += ln
        e = Element(tag, vr, b"", None, True, frags)
        e.offset = start
        return e, pos
    if is_seq:
        items = []
        seq_end = end if length == UNDEFINED else pos + length
        while pos + 8 <= seq_end:
            t = _tag(data, pos, little)
            ln = struct.unpack_from(en + "I", data, pos + 4)[0]
            pos += 8
            if t == SEQ_END:
                break
            if t != ITEM:
                raise ValueError(f"bad item tag {t:08X} at {pos - 8}")
            item = Item()
            if ln == UNDEFINED:
                item.undefined = True
                while True:
                    if _tag(data, pos, little) == ITEM_END:
                        pos += 8
                        break
                    x, pos = _read_element(data, pos, explicit, little, seq_end)
                    item.append(x)
            else:
                item_end = pos + ln
                while pos < item_end:
                    x, pos = _read_element(data, pos, explicit, little, item_end)
                    item.append(x)
            items.append(item)
        e = Element(tag, vr, b"", items, length == UNDEFINED)
        e.offset = start
        return e, pos
    if pos + length > len(data):
        raise ValueError(f"element {tag:08X} runs past the end")
    e = Element(tag, vr, bytes(data[pos:pos + length]))
    e.offset = start
    return e, pos + length


def element_positions(data):
    """(tag, offset of the element, offset of its length field, width of the length field, value offset, length)
    of every top-level and nested element of a parsed file, for byte-level length edits."""
    f = parse(data)
    out = []
    base = 132 if f.preamble is not None else 0

    def scan(raw, start, explicit, little):
        pos = start
        en = "<" if little else ">"
        while pos + 8 <= len(raw):
            tag = _tag(raw, pos, little)
            if tag in (ITEM, ITEM_END, SEQ_END):
                pos += 8
                continue
            if explicit:
                vr = bytes(raw[pos + 4:pos + 6])
                if vr in LONG_VRS:
                    lo, w = pos + 8, 4
                    length = struct.unpack_from(en + "I", raw, pos + 8)[0]
                    vo = pos + 12
                else:
                    lo, w = pos + 6, 2
                    length = struct.unpack_from(en + "H", raw, pos + 6)[0]
                    vo = pos + 8
            else:
                lo, w = pos + 4, 4
                length = struct.unpack_from(en + "I", raw, pos + 4)[0]
                vo = pos + 8
            out.append((tag, pos, lo, w, vo, length))
            if length == UNDEFINED or (vo + 4 <= len(raw) and _tag(raw, vo, little) == ITEM and length >= 8):
                pos = vo  # descend into the sequence (items are skipped by the loop)
            else:
                pos = vo + length
        return out

    if f.deflated:
        return []
    meta_end = base
    while meta_end + 8 <= len(data) and _tag(data, meta_end, True) >> 16 == 0x0002:
        _, meta_end = _read_element(data, meta_end, True, True, len(data))
    scan(data[:meta_end], base, True, True)
    rest = scan(data, meta_end, f.ts != IMPLICIT_LE, f.ts != EXPLICIT_BE)
    return rest
