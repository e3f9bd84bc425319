/** Word lists for `random_noun` and the name formats: short, common, inoffensive, lower-case ASCII. */
export const ADJECTIVES: readonly string[] = [
  "agile", "amber", "ample", "azure", "bold", "brave", "breezy", "bright", "brisk", "calm",
  "candid", "cheery", "civic", "clever", "cosy", "crisp", "curious", "daring", "dapper", "eager",
  "early", "earnest", "fancy", "fleet", "fluffy", "frank", "fresh", "gentle", "giddy", "glad",
  "golden", "grand", "happy", "hardy", "hearty", "honest", "humble", "jolly", "keen", "kind",
  "lively", "loyal", "lucky", "mellow", "merry", "mighty", "modest", "neat", "nimble", "noble",
  "plucky", "polite", "proud", "quick", "quiet", "rapid", "ready", "rosy", "rustic", "shiny",
  "silent", "sleek", "smart", "snowy", "sober", "solid", "spry", "steady", "sturdy", "sunny",
  "swift", "tidy", "timely", "upbeat", "vivid", "warm", "wise", "witty", "young", "zesty",
];

export const NOUNS: readonly string[] = [
  "acorn", "badger", "beaver", "bison", "bottle", "bridge", "button", "candle", "canoe", "carrot",
  "castle", "cloud", "compass", "cookie", "cricket", "curtain", "donkey", "engine", "feather", "ferry",
  "garden", "glove", "goose", "guitar", "hammer", "harbor", "helmet", "hermit", "jacket", "kettle",
  "kitten", "ladder", "lantern", "lemur", "lizard", "magnet", "meadow", "mitten", "monkey", "needle",
  "notebook", "oyster", "paddle", "parrot", "pencil", "pepper", "piano", "pillow", "pocket", "puffin",
  "rabbit", "rocket", "saddle", "sandal", "scarf", "shovel", "spoon", "squirrel", "teapot", "thimble",
  "ticket", "tractor", "trumpet", "tunnel", "turnip", "wagon", "walrus", "whistle", "window", "zebra",
];

export const MALE_NAMES: readonly string[] = [
  "aaron", "adam", "alan", "albert", "alex", "andrew", "arthur", "ben", "bruno", "carl",
  "charles", "chris", "daniel", "david", "dennis", "edward", "eric", "felix", "frank", "george",
  "harry", "henry", "hugo", "ian", "jack", "jacob", "james", "jason", "john", "jonas",
  "joseph", "kevin", "leo", "liam", "louis", "lucas", "mark", "martin", "max", "michael",
  "nathan", "noah", "oliver", "oscar", "owen", "patrick", "paul", "peter", "philip", "robert",
  "ryan", "samuel", "simon", "thomas", "tim", "tom", "victor", "walter", "william", "xavier",
];

export const FEMALE_NAMES: readonly string[] = [
  "abigail", "ada", "alice", "amelia", "anna", "ava", "bella", "carla", "charlotte", "chloe",
  "clara", "daisy", "diana", "eleanor", "elena", "ella", "emily", "emma", "eva", "fiona",
  "grace", "hannah", "helen", "ida", "irene", "isabel", "jane", "julia", "karen", "kate",
  "laura", "lena", "lily", "linda", "lucy", "maria", "martha", "maya", "mia", "nina",
  "nora", "olivia", "paula", "rachel", "rose", "ruby", "sara", "sophia", "stella", "susan",
  "tessa", "vera", "victoria", "wendy", "zoe",
];

export const SURNAMES: readonly string[] = [
  "adams", "allen", "baker", "bell", "brooks", "brown", "carter", "clark", "collins", "cook",
  "cooper", "davies", "edwards", "evans", "fisher", "foster", "gray", "green", "hall", "harris",
  "hill", "hughes", "jackson", "james", "johnson", "jones", "kelly", "king", "lee", "lewis",
  "martin", "mason", "miller", "moore", "morgan", "morris", "murphy", "parker", "price", "reed",
  "richards", "roberts", "robinson", "scott", "shaw", "smith", "stewart", "taylor", "thomas", "turner",
  "walker", "ward", "watson", "white", "wilson", "wood", "wright", "young",
];
