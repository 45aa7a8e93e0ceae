package devstack

import "github.com/google/uuid"

// Seeded teachers.
const (
	// TeacherWithOrg (org OrgID) has the big dashboard: enough batches for a
	// full PROCESSING page of 50 and sections of 20.
	TeacherWithOrg = "teacher-1"
	// TeacherWithoutOrg has a few dozen batches and no organisation.
	TeacherWithoutOrg = "teacher-2"
	// TeacherColleague is in the same org as TeacherWithOrg, so tests can
	// check one teacher never sees a colleague's batches.
	TeacherColleague = "teacher-3"
	// TeacherEmpty has entitlements but no batches at all.
	TeacherEmpty = "teacher-4"
	// OrgID is the organisation of TeacherWithOrg and TeacherColleague.
	OrgID = "org-7"
)

// Seeded balances.
const (
	OrgBalance               = 12000
	TeacherWithOrgBalance    = 847
	TeacherWithoutOrgBalance = 120
	TeacherColleagueBalance  = 2350
	TeacherEmptyBalance      = 25
)

// idSpace namespaces every generated id, so ids differ between seeds but
// never between runs.
var idSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://essaylab.dev/devstack"))

type seedTeacher struct {
	id      string
	classes []string
	plan    []statusCount
}

type statusCount struct {
	status string
	n      int
}

var seedTeachers = []seedTeacher{
	{TeacherWithOrg, []string{"SA22B", "NA23A", "TE21C", "EK22A", "SA23C"}, []statusCount{
		{StatusProcessingPipelines, 30}, {StatusAwaitingStudentValidation, 10},
		{StatusStudentValidationCompleted, 5}, {StatusValidationTimeoutProcessed, 4},
		{StatusGuestClassReady, 4}, {StatusCompletedSuccessfully, 24},
		{StatusCompletedWithFailures, 22}, {StatusAwaitingContentValidation, 4},
		{StatusAwaitingPipelineConfiguration, 3}, {StatusReadyForPipelineExecution, 4},
		{StatusContentIngestionFailed, 3}, {StatusFailedCritically, 3}, {StatusCancelled, 3},
	}},
	{TeacherWithoutOrg, []string{"ES22A", "NA22B", "IMSPR"}, []statusCount{
		{StatusProcessingPipelines, 6}, {StatusAwaitingStudentValidation, 2},
		{StatusStudentValidationCompleted, 1}, {StatusValidationTimeoutProcessed, 1},
		{StatusGuestClassReady, 2}, {StatusCompletedSuccessfully, 8},
		{StatusCompletedWithFailures, 5}, {StatusAwaitingContentValidation, 2},
		{StatusAwaitingPipelineConfiguration, 1}, {StatusReadyForPipelineExecution, 2},
		{StatusContentIngestionFailed, 1}, {StatusFailedCritically, 1}, {StatusCancelled, 2},
	}},
	{TeacherColleague, []string{"TE23A", "SA21A", "HU22B"}, []statusCount{
		{StatusProcessingPipelines, 5}, {StatusAwaitingStudentValidation, 2},
		{StatusStudentValidationCompleted, 1}, {StatusValidationTimeoutProcessed, 1},
		{StatusGuestClassReady, 1}, {StatusCompletedSuccessfully, 7},
		{StatusCompletedWithFailures, 4}, {StatusAwaitingContentValidation, 1},
		{StatusAwaitingPipelineConfiguration, 1}, {StatusReadyForPipelineExecution, 1},
		{StatusContentIngestionFailed, 1}, {StatusFailedCritically, 1}, {StatusCancelled, 1},
	}},
}

var seedTitles = []string{
	"Argumenterande text", "Novellanalys: Hundarna", "Debattartikel om skoluniform",
	"Litteraturanalys – Hjalmar Söderberg", "Krönika: Mitt Sverige",
	"Utredande text om källkritik", "Historia: Orsaker till första världskriget",
	"Samhällskunskap: Demokratins utmaningar", "Svenska 1: Reflekterande text",
	"Nationella provet – skrivdel (övning)", "Filosofi: Etiska dilemman",
	"Jämförande analys: Strindberg och Lagerlöf", "Svenska 2: Retorikanalys",
	"Svenska 3: Vetenskaplig essä", "Insändare om mobilförbud", "Religion: Livsfrågor",
	"Kemi: Laborationsrapport syra–bas", "Persuasive essay: Climate action",
	"Book report: Of Mice and Men", "English 6: Opinion piece", "English 5: Short story",
	"Film analysis: The Truman Show", "Narrative writing: A day I will never forget",
	"Lab report: Enzyme activity",
}

var studentNames = []string{
	"Alva Lindqvist", "Elias Nyström", "Maja Karlsson", "Omar Haddad", "Wilma Berg",
	"Lucas Eriksson", "Ebba Johansson", "Hugo Andersson", "Selma Ali", "Noah Pettersson",
	"Freja Holm", "Liam Svensson", "Astrid Larsson", "Adam Nilsson", "Saga Öberg",
	"Leo Gustafsson", "Nora Persson", "Vincent Axelsson", "Ella Olsson", "Isak Mohammed",
}
