namespace InfiniteContext.Evaluation;

/// <summary>
/// A fact with four slots: {0} person, {1} place, {2} number, {3} date. <see cref="AskNumber"/> names the
/// person, place and date and asks for the number; <see cref="AskPerson"/> names the number, place and
/// date and asks for the person. Near-miss probes pick the question that contains the detail their
/// distractors change, so a correct retriever can always tell the needle apart.
/// </summary>
internal sealed record FactFrame(string Text, string AskNumber, string AskPerson);

/// <summary>A fact about a subject ({0} person, {1} place) with one item slot ({2}); several items make a multi-needle group.</summary>
internal sealed record GroupFrame(string Text, string Question);

/// <summary>A non-literal pair: the fact ({0} is a person) and a question that shares no content word with it.</summary>
internal sealed record NonLiteralPair(string Text, string Question);

/// <summary>The hand-written material needles are built from (written for this project; none of it is copied).</summary>
internal static class NeedleFacts
{
    public static readonly FactFrame[] Facts =
    [
        new("On {3}, {0} paid {2} crowns for the old lighthouse at {1}.",
            "How many crowns did {0} pay for the old lighthouse at {1} on {3}?",
            "Who paid {2} crowns for the old lighthouse at {1} on {3}?"),
        new("On {3}, {0} registered a fishing boat at the harbour office in {1} under licence number {2}.",
            "Which licence number did {0} get for the fishing boat registered in {1} on {3}?",
            "Who registered a fishing boat in {1} under licence number {2} on {3}?"),
        new("The archive vault in {1} was reset by {0} on {3}; its new combination is {2}.",
            "What combination did {0} give the archive vault in {1} on {3}?",
            "Who reset the archive vault in {1} to combination {2} on {3}?"),
        new("{0} planted {2} cherry trees on the hillside above {1} on {3}.",
            "How many cherry trees did {0} plant above {1} on {3}?",
            "Who planted {2} cherry trees above {1} on {3}?"),
        new("On {3}, {0} reported {2} sheep missing from the upland farm near {1}.",
            "How many sheep did {0} report missing near {1} on {3}?",
            "Who reported {2} sheep missing near {1} on {3}?"),
        new("{0} signed the lease for the bakery on Mill Street in {1} on {3}, at a yearly rent of {2} pounds.",
            "What yearly rent did {0} agree for the bakery in {1} on {3}?",
            "Who leased the bakery in {1} for {2} pounds a year on {3}?"),
        new("The night train from {1} carried {2} passengers on {3}, and {0} was its conductor.",
            "How many passengers rode the night train from {1} that {0} conducted on {3}?",
            "Who was the conductor of the night train from {1} that carried {2} passengers on {3}?"),
        new("{0} weighed the tower bell at {1} on {3} and found it came to {2} kilograms.",
            "How heavy was the tower bell at {1} that {0} weighed on {3}?",
            "Who found on {3} that the tower bell at {1} came to {2} kilograms?"),
    ];

    public static readonly GroupFrame[] Groups =
    [
        new("Among the things {0} packed for the crossing to {1} was {2}.", "What did {0} pack for the crossing to {1}?"),
        new("{0} keeps {2} in the locked cabinet at the inn in {1}.", "What does {0} keep in the locked cabinet at the inn in {1}?"),
        new("One of the gifts {0} brought back from {1} was {2}.", "Which gifts did {0} bring back from {1}?"),
        new("When the house in {1} was cleared, {0} inherited {2}.", "What did {0} inherit when the house in {1} was cleared?"),
    ];

    public static readonly string[] Items =
    [
        "a brass compass", "a tin of smoked sardines", "a green wool blanket", "a pocket sundial", "a jar of quince jelly",
        "a folding telescope", "a bundle of beeswax candles", "a copper kettle", "a deck of painted cards", "a whalebone comb",
        "a bottle of plum brandy", "a sketchbook of river birds", "a carved walnut box", "a pair of snowshoes", "a spool of red silk",
        "a tortoiseshell fountain pen", "a barometer in an oak case", "a sack of dried apricots", "a mandolin with two strings missing",
        "a set of silver spoons", "a chess set of bone and ebony", "a lantern with green glass", "a map of the northern fjords",
        "a tin whistle", "a clockwork mouse", "a jar of pickled walnuts", "a sealskin pouch", "a rosewood abacus",
    ];

    /// <summary>Every question shares no content word (after the English analyzer) with its fact: a test checks it.</summary>
    public static readonly NonLiteralPair[] NonLiteral =
    [
        new("{0} has lived next to the Semper Opera House for years.", "Which character has been to Dresden?"),
        new("{0} finally saw the northern lights from a cabin near Tromsø.", "Which character has visited Norway?"),
        new("{0} spent a whole summer climbing Kilimanjaro.", "Which character has been to Tanzania?"),
        new("{0} gave away every pair of leather shoes after going vegan.", "Which character avoids animal products?"),
        new("{0} keeps a grand piano in the parlour and plays Chopin every night.", "Which character is a musician?"),
        new("{0} was born the year the Berlin Wall fell.", "Which character came into the world in 1989?"),
        new("{0} just returned from a honeymoon on Santorini.", "Which character recently got married?"),
        new("{0} takes the ferry across the Bosphorus every morning.", "Which character commutes in Istanbul?"),
        new("{0} is allergic to peanuts and always carries an adrenaline injector.", "Which character must stay away from certain nuts?"),
        new("{0} wrote a doctoral thesis on the migration of arctic terns.", "Which character studied birds at university?"),
        new("{0} ran the Boston Marathon in under three hours.", "Which character is a fast distance runner?"),
        new("{0} has a pet iguana called Pickle.", "Which character owns a reptile?"),
        new("{0} moved into a flat overlooking the Charles Bridge.", "Which character lives in Prague?"),
        new("{0} spends every weekend restoring a 1967 Mustang.", "Which character works on classic cars?"),
        new("{0} was fined for fishing without a permit on Loch Ness.", "Which character got in trouble in Scotland?"),
        new("{0} grows tomatoes, basil and courgettes on the balcony.", "Which character is a keen gardener?"),
        new("{0} learned to read hieroglyphs during a long illness.", "Which character understands ancient Egyptian writing?"),
        new("{0} broke a wrist skiing in Zermatt last winter.", "Which character was injured in Switzerland?"),
        new("{0} ordered sushi at a tiny counter in Shinjuku.", "Which character ate in Tokyo?"),
        new("{0} sings bass in the cathedral choir on Sundays.", "Which character performs religious music?"),
        new("{0} translated three novels from Portuguese.", "Which character knows the language of Brazil?"),
        new("{0} cycled from Lisbon to Porto in four days.", "Which character rode a bike across Portugal?"),
        new("{0} collects first editions of Agatha Christie.", "Which character owns rare detective stories?"),
        new("{0} is terrified of spiders and never goes into the cellar.", "Which character suffers from arachnophobia?"),
        new("{0} photographed a snow leopard in Ladakh.", "Which character saw a big cat in India?"),
        new("{0} bakes sourdough loaves before dawn each day.", "Which character makes bread early?"),
        new("{0} swam the English Channel in 2019.", "Which character is an endurance swimmer?"),
        new("{0} speaks fluent Icelandic after years in Reykjavik.", "Which character knows a Nordic tongue?"),
    ];

    /// <summary>First names of needle people: none of them is a name the haystack uses.</summary>
    public static readonly string[] FirstNames =
    [
        "Ottilie", "Ansel", "Isaura", "Tobiah", "Wendeline", "Casimir", "Perpetua", "Lorcan", "Ysolde", "Evander", "Marisol",
        "Thaddeus", "Rosalind", "Leopold", "Saoirse", "Ignatius", "Philippa", "Barnaby", "Seraphina", "Cormac", "Henrietta",
        "Augustin", "Delphine", "Fergus", "Octavia", "Rupert", "Imogen", "Lucius", "Cordelia", "Bartholomew", "Anselm", "Giselle",
        "Emrys", "Linnea", "Osric", "Petronella", "Quentin", "Rowena", "Silas", "Tamsin", "Ulric", "Verity", "Wilhelmina", "Zebedee",
    ];

    public static readonly string[] SurnameStems =
    [
        "Brann", "Kess", "Holl", "Marr", "Quill", "Tarv", "Dell", "Fenw", "Gorm", "Harl", "Lind", "Morr", "Pell", "Rask", "Sand",
        "Thorn", "Vell", "Wick", "Yarn", "Ald", "Bex", "Corv", "Dunst", "Elw", "Farr", "Grisw",
    ];

    public static readonly string[] SurnameEndings = ["ock", "ington", "by", "ette", "ward", "ley", "stead", "more", "wick", "ham", "field", "ridge", "ston", "ow", "ery", "ane"];

    public static readonly string[] PlaceStems =
    [
        "Kess", "Varr", "Oster", "Lunn", "Brack", "Tull", "Morv", "Skell", "Quorn", "Ferl", "Ambl", "Cresh", "Dorr", "Ebb", "Glenn",
        "Hask", "Ilm", "Jarr", "Pendr", "Rost", "Sker", "Trev", "Urq", "Wold", "Zenn", "Carn", "Drumm", "Lorr", "Nesb", "Orm",
    ];

    public static readonly string[] PlaceEndings = ["el", "an", "ing", "ow", "esk", "ith", "ard", "am", "ey", "ock", "ise", "undy"];

    public static readonly string[] PlaceFeatures = ["Point", "Cove", "Ford", "Haven", "Reach", "Crossing", "Sound", "Head"];
}
